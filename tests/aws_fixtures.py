"""moto in server mode (real HTTP on loopback) for AWS adapter tests: a session server and an SES v2 client.

Server mode exercises the same botocore HTTP path as real AWS, unlike `mock_aws`'s in-process patching.
"""

from __future__ import annotations

import os
from typing import Any, Iterator

import boto3
import pytest
import requests
from moto.server import ThreadedMotoServer

REGION = "us-east-1"
TEST_SENDER_ADDRESS = "alerts@pageguard.test"
TEST_SENDER = f"PageGuard <{TEST_SENDER_ADDRESS}>"

for _key, _value in {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
}.items():
    os.environ.setdefault(_key, _value)


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """Endpoint URL of a moto server on 127.0.0.1 (free port) for the whole session."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def aws_client(service: str, endpoint: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture
def ses_client(moto_server: str) -> Any:
    """An SES v2 client on the moto server, with TEST_SENDER_ADDRESS verified (SES refuses unverified senders)."""
    client = aws_client("sesv2", moto_server)
    client.create_email_identity(EmailIdentity=TEST_SENDER_ADDRESS)
    return client


def sent_raw_messages(endpoint: str) -> list[dict[str, Any]]:
    """Every raw email moto's SES backend accepted so far: [{"id", "source", "destinations", "raw_data"}]."""
    data = requests.get(f"{endpoint}/moto-api/data.json", timeout=5).json()
    return list(data.get("ses", {}).get("RawMessage", []))


def unreachable_client(service: str) -> Any:
    """A client for a loopback port nothing listens on: every call fails with EndpointConnectionError, the way
    a network outage or an AWS endpoint timeout does (transient)."""
    import socket

    from botocore.config import Config

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return boto3.client(service, endpoint_url=f"http://127.0.0.1:{port}", region_name=REGION,
                        aws_access_key_id="testing", aws_secret_access_key="testing",
                        config=Config(retries={"max_attempts": 1}, connect_timeout=1, read_timeout=1))
