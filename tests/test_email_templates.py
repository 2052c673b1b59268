"""SES e-mail templates: each renders from its samples into strict, accessible HTML with an equivalent text part."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from config.email_templates import (
    TEMPLATES_DIR,
    EmailTemplate,
    TemplateError,
    Variable,
    check_template,
    html_unsafe_values,
    load_templates,
    placeholders,
    render,
    template_names,
    validate,
)

TEMPLATES = {template.name: template for template in load_templates()}
EXPECTED_NAMES = (
    "welcome_en",
    "welcome_ko",
    "signup-verification_en",
    "signup-verification_ko",
    "coupon_en",
    "coupon_ko",
)
HANGUL = re.compile(r"[\uac00-\ud7a3]")
VOID_ELEMENTS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})


class StrictHTML(HTMLParser):
    """html.parser plus the errors it tolerates: unclosed, mismatched and stray end tags, self-closed non-void tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.errors: list[str] = []
        self.open: list[tuple[str, int]] = []
        self.doctype = False
        self.lang: str | None = None
        self.images: list[dict[str, str | None]] = []
        self.links: list[tuple[str, str]] = []  # (href, link text)
        self.chunks: list[str] = []
        self._link: tuple[str, list[str]] | None = None

    def handle_decl(self, decl: str) -> None:
        self.doctype = self.doctype or decl.lower() == "doctype html"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang")
        elif tag == "img":
            self.images.append(attributes)
        elif tag == "a":
            self._link = (attributes.get("href") or "", [])
        if tag not in VOID_ELEMENTS:
            self.open.append((tag, self.getpos()[0]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID_ELEMENTS:
            self.errors.append(f"line {self.getpos()[0]}: <{tag}/> self-closes, which only void elements may")
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.open.pop()

    def handle_endtag(self, tag: str) -> None:
        line = self.getpos()[0]
        if tag in VOID_ELEMENTS:
            self.errors.append(f"line {line}: </{tag}> closes a void element")
            return
        if not self.open:
            self.errors.append(f"line {line}: </{tag}> closes nothing")
            return
        opened, opened_at = self.open.pop()
        if opened != tag:
            self.errors.append(f"line {line}: </{tag}> closes <{opened}> from line {opened_at}")
        if tag == "a" and self._link is not None:
            href, text = self._link
            self.links.append((href, "".join(text).strip()))
            self._link = None

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)
        if self._link is not None:
            self._link[1].append(data)

    def close(self) -> None:
        super().close()
        self.errors.extend(f"<{tag}> from line {line} is never closed" for tag, line in reversed(self.open))

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.chunks).split())


def parse_html(source: str) -> StrictHTML:
    parser = StrictHTML()
    parser.feed(source)
    parser.close()
    return parser


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    """A copy of the real template directory that a test may break."""
    directory = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, directory)
    return directory


def edit_manifest(directory: Path, change: dict[str, object], template: str) -> None:
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    manifest["templates"][template]["variables"].update(change)
    (directory / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


# The shipped templates


def test_one_ses_template_per_template_and_language() -> None:
    assert template_names() == EXPECTED_NAMES


def test_names_fit_ses_limits() -> None:
    for name in template_names():
        assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", name), name
    assert len(set(template_names())) == len(EXPECTED_NAMES)


def test_shipped_templates_have_no_problems() -> None:
    assert validate() == []


def test_declared_variables_are_the_agreed_ones() -> None:
    declared = {name: [variable.name for variable in template.variables] for name, template in TEMPLATES.items()}
    assert declared["welcome_ko"] == ["shop_name", "customer_name", "shop_url"]
    assert declared["signup-verification_en"] == ["shop_name", "customer_name", "verification_url", "expires_in_hours"]
    assert declared["coupon_ko"] == [
        "shop_name", "customer_name", "coupon_code", "discount", "expires_on", "shop_url", "unsubscribe_url", "shop_address",
    ]
    for template in TEMPLATES.values():
        for variable in template.variables:
            assert variable.description.strip() and "\n" not in variable.description, (template.name, variable.name)
            assert variable.sample.strip(), (template.name, variable.name)


@pytest.mark.parametrize("name", EXPECTED_NAMES)
def test_renders_with_samples_leaving_no_placeholder(name: str) -> None:
    rendered = render(TEMPLATES[name], TEMPLATES[name].sample_values())
    for part in (rendered.subject, rendered.html, rendered.text):
        assert "{{" not in part and "}}" not in part
    assert "\n" not in rendered.subject
    assert TEMPLATES[name].sample_values()["shop_name"] in rendered.subject


@pytest.mark.parametrize("name", EXPECTED_NAMES)
def test_html_is_well_formed_and_accessible(name: str) -> None:
    template = TEMPLATES[name]
    html = parse_html(render(template, template.sample_values()).html)
    assert html.errors == []
    assert html.doctype
    assert html.lang == template.language
    assert all((image.get("alt") or "").strip() for image in html.images)
    assert html.links, "every e-mail links somewhere"
    for href, text in html.links:
        assert href.startswith("https://"), href
        assert text, f"link to {href} has no text"


@pytest.mark.parametrize("name", EXPECTED_NAMES)
def test_text_part_carries_what_the_html_part_says(name: str) -> None:
    template = TEMPLATES[name]
    assert placeholders(template.text) == placeholders(template.html)
    rendered = render(template, template.sample_values())
    html = parse_html(rendered.html)
    hrefs = {href for href, _ in html.links}
    for variable in template.variables:
        if variable.name.endswith("_url"):
            assert variable.sample in hrefs, f"{variable.name} is not a link"
        else:
            assert variable.sample in html.text, variable.name
        assert variable.sample in rendered.text, variable.name
    assert hrefs <= set(re.findall(r"https://\S+", rendered.text))


@pytest.mark.parametrize("name", EXPECTED_NAMES)
def test_each_language_is_written_in_its_language(name: str) -> None:
    template = TEMPLATES[name]
    for part in ("subject", "html", "text"):
        copy = re.sub(r"\{\{.*?\}\}", "", template.part(part))
        if template.language == "ko":
            assert HANGUL.search(copy), f"{template.file(part)} has no Hangul"
        else:
            assert not HANGUL.search(copy), f"{template.file(part)} has Hangul"


def test_coupon_shows_the_code_and_unsubscribe_link() -> None:
    values = {
        "shop_name": "하루마켓", "customer_name": "박서준", "coupon_code": "TEST-9Z9Z", "discount": "10%",
        "expires_on": "2025년 12월 31일", "shop_url": "https://shop.example.com/ko/",
        "unsubscribe_url": "https://shop.example.com/ko/unsubscribe?token=t0k3n", "shop_address": "(주)하루마켓 · 서울",
    }
    rendered = render(TEMPLATES["coupon_ko"], values)
    html = parse_html(rendered.html)
    assert rendered.subject == "(광고) [하루마켓] 박서준님께 10% 할인 쿠폰을 드려요"
    assert "TEST-9Z9Z" in html.text and "쿠폰 코드: TEST-9Z9Z" in rendered.text
    assert ("https://shop.example.com/ko/unsubscribe?token=t0k3n", "수신 거부") in html.links
    assert "수신 거부해 주세요: https://shop.example.com/ko/unsubscribe?token=t0k3n" in rendered.text


def test_verification_link_is_a_button_and_a_copyable_url() -> None:
    url = "https://shop.example.com/en/verify?token=abc"
    values: dict[str, str | int] = {
        "shop_name": "Maple Market", "customer_name": "Jamie", "verification_url": url, "expires_in_hours": 48,
    }
    rendered = render(TEMPLATES["signup-verification_en"], values)
    assert parse_html(rendered.html).links == [(url, "Confirm my email address"), (url, url)]
    assert f"\n{url}\n" in rendered.text
    assert "The link works for 48 hours." in rendered.text


# The renderer behaves as SES does


def test_render_inserts_values_verbatim_as_ses_does() -> None:
    values = TEMPLATES["welcome_en"].sample_values() | {"customer_name": "Tom & Jerry"}
    rendered = render(TEMPLATES["welcome_en"], values)
    assert "Welcome to Maple Market, Tom & Jerry!</h1>" in rendered.html
    assert rendered.subject == "Welcome to Maple Market, Tom & Jerry!"


def test_html_unsafe_values_are_named_for_the_sender() -> None:
    values = {"customer_name": "<b>Jamie</b>", "shop_name": 'Say "hi"', "shop_url": "https://x.example/?a=1&b=2"}
    assert html_unsafe_values(values) == ["customer_name", "shop_name"]
    for template in TEMPLATES.values():
        assert html_unsafe_values(template.sample_values()) == [], template.name


def test_render_without_a_value_fails_like_ses() -> None:
    values = TEMPLATES["welcome_ko"].sample_values()
    del values["shop_url"]
    with pytest.raises(TemplateError) as raised:
        render(TEMPLATES["welcome_ko"], values)
    assert raised.value.problems == ["welcome_ko: no value for {{shop_url}}."]


# validate() catches broken templates


def test_undeclared_variable_in_a_template_built_here_is_named() -> None:
    broken = EmailTemplate(
        template="welcome",
        language="en",
        subject="Welcome to {{shop_name}}",
        html="<p>Hi {{undeclared}}, welcome to {{shop_name}}.</p>",
        text="Welcome to {{shop_name}}.",
        variables=(Variable("shop_name", "The shop's name.", "Maple Market"),),
    )
    assert check_template(broken) == [
        "welcome_en: the HTML part (welcome.en.html) uses {{undeclared}}, which manifest.json does not declare for welcome.",
    ]


def test_undeclared_variable_in_a_file_is_named(sources: Path) -> None:
    html = sources / "welcome.en.html"
    html.write_text(html.read_text(encoding="utf-8").replace("</body>", "<p>{{undeclared}}</p>\n</body>"), encoding="utf-8")
    problems = validate(sources)
    assert problems == [
        "welcome_en: the HTML part (welcome.en.html) uses {{undeclared}}, which manifest.json does not declare for welcome.",
    ]
    with pytest.raises(TemplateError) as raised:
        load_templates(sources)
    assert raised.value.problems == problems


def test_declared_but_unused_variable_is_named(sources: Path) -> None:
    sample = {"description": "Points the customer has.", "samples": {"en": "120", "ko": "120"}}
    edit_manifest(sources, {"loyalty_points": sample}, template="coupon")
    assert validate(sources) == [
        "coupon_en: variable loyalty_points is declared for coupon in manifest.json "
        "but used in none of its subject, HTML part or text part.",
        "coupon_ko: variable loyalty_points is declared for coupon in manifest.json "
        "but used in none of its subject, HTML part or text part.",
    ]


def test_missing_and_empty_parts_are_named(sources: Path) -> None:
    (sources / "coupon.ko.txt").unlink()
    (sources / "welcome.en.subject.txt").write_text("  \n", encoding="utf-8")
    assert validate(sources) == [
        "welcome_en: the subject (welcome.en.subject.txt) is missing or empty.",
        "coupon_ko: the text part (coupon.ko.txt) is missing or empty.",
    ]


def test_missing_language_is_named(sources: Path) -> None:
    for path in sources.glob("signup-verification.ko.*"):
        path.unlink()
    assert validate(sources) == [
        "signup-verification_ko: signup-verification has no Korean (ko) version; add "
        "signup-verification.ko.subject.txt, signup-verification.ko.html, signup-verification.ko.txt.",
    ]


def test_missing_sample_and_stray_file_are_named(sources: Path) -> None:
    edit_manifest(sources, {"shop_url": {"description": "Home page.", "samples": {"en": "https://shop.example.com/"}}}, "welcome")
    (sources / "welcome.ja.html").write_text("<p>ようこそ</p>", encoding="utf-8")
    assert validate(sources) == [
        "welcome: variable shop_url has no Korean (ko) sample in manifest.json.",
        "welcome.ja.html: unexpected file; template files are named <template>.<language>.subject.txt, .html or .txt "
        "for a template and language declared in manifest.json.",
    ]


def test_handlebars_beyond_plain_variables_is_named(sources: Path) -> None:
    text = sources / "coupon.en.txt"
    text.write_text(text.read_text(encoding="utf-8") + "{{#if shop_url}}x{{/if}} {{shop_name}\n", encoding="utf-8")
    assert validate(sources) == [
        "coupon_en: the text part (coupon.en.txt) uses {{#if shop_url}}; write only plain {{variable}} placeholders.",
        "coupon_en: the text part (coupon.en.txt) uses {{/if}}; write only plain {{variable}} placeholders.",
        "coupon_en: the text part (coupon.en.txt) has a '{{' or '}}' that is not part of a {{variable}} placeholder.",
    ]


# The strict checker itself


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("<p><b>bold</p></b>", "line 1: </p> closes <b> from line 1"),
        ("<table><tr><td>cell</td></table>", "line 1: </table> closes <tr> from line 1"),
        ("<div>\n<p>open", "<p> from line 2 is never closed"),
        ("<p>a</br>b</p>", "line 1: </br> closes a void element"),
        ("<div/>", "line 1: <div/> self-closes, which only void elements may"),
        ("</span>", "line 1: </span> closes nothing"),
    ],
)
def test_strict_checker_rejects_broken_html(source: str, error: str) -> None:
    assert error in parse_html(source).errors


def test_strict_checker_accepts_void_elements() -> None:
    html = parse_html('<p>one<br>two<br/><img src="https://x.example/a.png" alt="A logo"></p>')
    assert html.errors == []
    assert html.images == [{"src": "https://x.example/a.png", "alt": "A logo"}]
