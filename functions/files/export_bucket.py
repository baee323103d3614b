"""The file bucket's bulk side for exports, the S3 side of `export_ports.ExportBucket`: the archive's
upload, the tenant's objects read into it, and the deletion of a deleted tenant's objects."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from botocore.exceptions import ClientError

from shared import aws
from shared.config import settings


def upload(key: str, body: IO[bytes], *, content_type: str) -> None:
    """A managed (multipart when large) upload of `body` from where it is now."""
    aws.client("s3").upload_fileobj(
        body, settings().bucket_name, key, ExtraArgs={"ContentType": content_type}
    )


def objects_under(prefix: str) -> Iterator[tuple[str, IO[bytes]]]:
    s3 = aws.client("s3")
    bucket = settings().bucket_name
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for entry in page.get("Contents", []):
            key = entry["Key"]
            try:
                body = s3.get_object(Bucket=bucket, Key=key)["Body"]
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                    continue  # deleted since the listing
                raise
            yield key, body  # type: ignore[misc]  # a StreamingBody reads like a binary file


def delete_under(prefix: str, *, limit: int) -> int:
    """One listing of up to `limit` (≤ 1000) keys and one DeleteObjects of them (a listing starts from the
    beginning each time: what was deleted is no longer listed)."""
    s3 = aws.client("s3")
    bucket = settings().bucket_name
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix, MaxKeys=limit)
    keys = [{"Key": o["Key"]} for o in listed.get("Contents", [])]
    if keys:
        s3.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})  # type: ignore[typeddict-item]
    return len(keys)
