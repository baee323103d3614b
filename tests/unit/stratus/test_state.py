"""What `stratus dev` keeps between runs (stratus.state) and the moto snapshot it restores
(stratus.emulator): in-process moto, no sockets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from moto import mock_aws
from moto.core.base_backend import BackendDict

from functions.catalog import registry
from shared import aws
from shared.declarations import Table
from stratus import cli, emulator
from stratus.jobs import UnknownJob, find_job, scheduled_jobs
from stratus.provision import create_table
from stratus.state import Instance, State, write_atomic

TABLE = "stratus-test-things"


@pytest.fixture
def moto() -> Iterator[emulator.Emulator]:
    """In-process moto, and an Emulator over it that can snapshot and restore (as the embedded one does)."""
    with mock_aws():
        yield emulator.Emulator(endpoint_url="in-process", _gate=emulator._Gate())


def test_a_snapshot_restores_tables_queues_objects_rules_and_keys(moto: emulator.Emulator) -> None:
    # GIVEN an item, a queued message, an object, a rule, and a KMS key that sealed something
    create_table(Table("things"))
    aws.client("dynamodb").put_item(TableName=TABLE, Item={"pk": {"S": "T#1"}, "sk": {"S": "A"}})
    queue = aws.client("sqs").create_queue(QueueName="q")["QueueUrl"]
    aws.client("sqs").send_message(QueueUrl=queue, MessageBody="hello")
    aws.client("s3").create_bucket(Bucket="things")
    aws.client("s3").put_object(Bucket="things", Key="k", Body=b"bytes")
    aws.client("events").create_event_bus(Name="bus")
    aws.client("events").put_rule(Name="r", EventBusName="bus", EventPattern='{"source": ["x"]}')
    key = aws.client("kms").create_key()["KeyMetadata"]["KeyId"]
    sealed = aws.client("kms").encrypt(KeyId=key, Plaintext=b"secret")["CiphertextBlob"]
    # WHEN it is snapshotted, everything is dropped, and the snapshot restored
    snapshot = moto.snapshot()
    BackendDict.reset()
    assert aws.client("sqs").list_queues().get("QueueUrls", []) == []
    restored = moto.restore(snapshot.data)
    # THEN all of it is back
    assert {"dynamodb", "sqs", "s3", "events", "kms"} <= set(restored)
    item = aws.client("dynamodb").get_item(TableName=TABLE, Key={"pk": {"S": "T#1"}, "sk": {"S": "A"}})
    assert item["Item"]["sk"] == {"S": "A"}
    [message] = aws.client("sqs").receive_message(QueueUrl=queue)["Messages"]
    assert message["Body"] == "hello"
    assert aws.client("s3").get_object(Bucket="things", Key="k")["Body"].read() == b"bytes"
    assert aws.client("events").describe_rule(Name="r", EventBusName="bus")["Name"] == "r"
    assert aws.client("kms").decrypt(CiphertextBlob=sealed)["Plaintext"] == b"secret"


def test_a_snapshot_is_taken_once_lambdas_backend_is_in_use(moto: emulator.Emulator) -> None:
    # GIVEN moto's Lambda backend in use, as an order saga's Task Invoke makes it (its function index is
    # a WeakValueDictionary, which pickle refuses), and a queued message
    assert aws.client("lambda").list_functions()["Functions"] == []
    queue = aws.client("sqs").create_queue(QueueName="q")["QueueUrl"]
    aws.client("sqs").send_message(QueueUrl=queue, MessageBody="kept")
    # WHEN it is snapshotted (this raised "Can't pickle local object 'WeakValueDictionary...'")
    snapshot = moto.snapshot()
    BackendDict.reset()
    restored = moto.restore(snapshot.data)
    # THEN the platform's data is back; Lambda, which holds nothing of the platform's, is not saved
    assert "sqs" in restored
    assert "lambda" not in restored
    [message] = aws.client("sqs").receive_message(QueueUrl=queue)["Messages"]
    assert message["Body"] == "kept"


def test_a_snapshot_of_another_format_is_refused_with_what_to_do(moto: emulator.Emulator) -> None:
    with pytest.raises(emulator.EmulatorError, match="unknown format"):
        moto.restore(b'{"format": 99}\n...')
    with pytest.raises(emulator.EmulatorError, match="cannot restore"):
        moto.restore(b'{"format": 1, "moto": "0.0"}\nnot a pickle')


@pytest.mark.parametrize(
    ("method", "target", "changes"),
    [
        ("GET", "", False),
        ("HEAD", "", False),
        ("POST", "DynamoDB_20120810.GetItem", False),
        ("POST", "DynamoDB_20120810.Query", False),
        ("POST", "AmazonSQS.ReceiveMessage", False),
        ("POST", "DynamoDB_20120810.PutItem", True),
        ("POST", "AmazonSQS.DeleteMessageBatch", True),
        ("POST", "", True),  # query protocol (SES, SNS) or an S3 POST: assume a change
        ("PUT", "", True),
    ],
)
def test_requests_that_may_change_data_are_counted(method: str, target: str, changes: bool) -> None:
    environ = {"REQUEST_METHOD": method, **({"HTTP_X_AMZ_TARGET": target} if target else {})}
    assert emulator._may_change(environ) is changes


def test_the_secrets_are_made_once_and_the_environment_wins(tmp_path: Path) -> None:
    state = State(tmp_path / "s")
    state.prepare()
    # GIVEN an environment with its own service secret
    env: dict[str, str] = {"STRATUS_SERVICE_TOKEN_SECRET": "mine"}
    # WHEN stratus dev exports its secrets
    taken = state.export_secrets(env)
    # THEN the key, kid and scrape token come from the state, made once; the environment's secret stays
    assert taken == ("STRATUS_JWT_PRIVATE_KEY", "STRATUS_JWT_KID", "STRATUS_METRICS_TOKEN")
    assert env["STRATUS_SERVICE_TOKEN_SECRET"] == "mine"
    assert env["STRATUS_JWT_PRIVATE_KEY"].startswith("-----BEGIN PRIVATE KEY-----")
    assert state.secrets(create=True) == state.secrets(create=False)
    assert state.secrets_file.stat().st_mode & 0o777 == 0o600
    # AND a tool talking to that instance takes only what it took from the state
    instance = Instance(pid=1, gateway="g", emulator="e", embedded=True, started_at="t", from_state=taken)
    tool_env: dict[str, str] = {}
    state.export_for_tools(instance, tool_env)
    assert set(tool_env) == {"STRATUS_JWT_PRIVATE_KEY", "STRATUS_JWT_KID", "STRATUS_METRICS_TOKEN"}


def test_the_admin_file_is_a_login_body_only_its_owner_reads(tmp_path: Path) -> None:
    state = State(tmp_path / "s")
    state.prepare()
    state.save_admin("admin@platform.local", "pw-123456789", "platform")
    assert json.loads(state.admin_file.read_text()) == {
        "email": "admin@platform.local",
        "password": "pw-123456789",
        "tenantId": "platform",
    }
    assert state.admin_file.stat().st_mode & 0o777 == 0o600
    assert state.path.stat().st_mode & 0o777 == 0o700


def test_an_instance_whose_process_is_gone_is_not_running(tmp_path: Path) -> None:
    state = State(tmp_path / "s")
    state.prepare()
    gone = Instance(pid=2**22 + 1, gateway="http://127.0.0.1:1", emulator="e", embedded=True, started_at="t")
    state.write_instance(gone)
    assert state.instance() == gone
    assert state.running() is None
    state.clear_instance(gone.pid)
    assert state.instance() is None


def test_an_atomic_write_leaves_the_whole_file_and_nothing_else(tmp_path: Path) -> None:
    target = tmp_path / "f"
    write_atomic(target, b"one")
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in tmp_path.iterdir()] == ["f"]


def test_jobs_are_named_as_monitoring_records_them_and_a_wrong_name_lists_them() -> None:
    names = (
        "creator-payouts, file-cleanup, hello-tidy, outbox-drain, realtime-sweep, reservation-expiry, "
        "session-purge, storage-reconciliation"
    )
    assert ", ".join(job.name for job in scheduled_jobs(registry())) == names
    assert find_job(registry(), "file-cleanup").function.qualified_name == "files-cleanup-job"
    assert find_job(registry(), "files-cleanup-job").name == "file-cleanup"  # the function's name works too
    with pytest.raises(UnknownJob) as refused:
        find_job(registry(), "monitoring-health")
    assert str(refused.value) == f"no job named 'monitoring-health'; jobs: {names}"


def test_routes_prints_the_route_table_and_the_jobs_by_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["routes"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert any(line.split()[:2] == ["GET", "/internal/health"] for line in out)
    assert "queue  → audit-subscriber" in out
    assert "rate(1 day) → job file-cleanup (files-cleanup-job)" in out


def test_tools_default_to_the_usual_endpoint_when_no_stratus_dev_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STRATUS_STATE_DIR", str(tmp_path / "nothing"))
    assert cli._default_endpoint() == cli.DEFAULT_ENDPOINT
