"""Lambda sources, standard library only (boto3 where the Lambda runtime provides it)."""
