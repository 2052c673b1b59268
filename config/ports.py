"""Port ranges as NACL and security-group rules write them: a protocol, `from_port`, and an optional `to_port`."""

from __future__ import annotations


def check_ports(protocol: str, from_port: int | None, to_port: int | None) -> None:
    """Raise ValueError, in words for the YAML's author, when the ports do not fit the protocol."""
    if protocol == "all":
        if from_port is not None or to_port is not None:
            raise ValueError("protocol `all` covers every port; remove from_port/to_port")
    elif from_port is None:
        raise ValueError(f"protocol `{protocol}` needs from_port (and to_port for a range)")
    elif to_port is not None and to_port < from_port:
        raise ValueError(f"to_port {to_port} is below from_port {from_port}")


def port_range(from_port: int | None, to_port: int | None) -> tuple[int, int]:
    """(first, last) port; every port when none is given (protocol `all`)."""
    if from_port is None:
        return (0, 65535)
    return (from_port, to_port if to_port is not None else from_port)
