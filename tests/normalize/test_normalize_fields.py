from __future__ import annotations

import pytest

from loaders.normalize import FieldNormalizer, is_unmapped
from loaders.records import Vendor

WIN_PROC = (("product", "windows"), ("category", "process_creation"))
WIN_IMAGE_LOAD = (("product", "windows"), ("category", "image_load"))


@pytest.mark.parametrize(
    ("vendor", "field", "logsource", "expected"),
    [
        # path and base name of the process image meet in one canonical field
        ("sigma", "Image", WIN_PROC, "process.name"),
        ("elastic", "process.executable", (), "process.name"),
        ("elastic", "process.name", (), "process.name"),
        ("splunk", "Processes.process_name", (), "process.name"),
        ("splunk", "Processes.process_path", (), "process.name"),
        ("sigma", "ParentImage", WIN_PROC, "process.parent.name"),
        ("splunk", "Processes.parent_process_name", (), "process.parent.name"),
        ("sigma", "TargetFilename", (("product", "windows"), ("category", "file_event")), "file.name"),
        ("splunk", "Filesystem.file_path", (), "file.name"),
        ("sigma", "CommandLine", WIN_PROC, "process.command_line"),
        ("splunk", "Processes.process", (), "process.command_line"),
        ("sigma", "TargetObject", (("product", "windows"), ("category", "registry_set")), "registry.path"),
        ("splunk", "Registry.registry_path", (), "registry.path"),
        ("splunk", "DNS.query", (), "dns.question.name"),
        ("sigma", "QueryName", (("product", "windows"), ("category", "dns_query")), "dns.question.name"),
        # Elastic multi-fields are the same attribute
        ("elastic", "process.command_line.text", (), "process.command_line"),
        ("elastic", "process.name.caseless", (), "process.name"),
        # ECS names map to themselves
        ("elastic", "destination.port", (), "destination.port"),
        # CIM data-model prefix stripped, also unprefixed after drop_dm_object_name
        ("splunk", "process_name", (), "process.name"),
        ("splunk", "All_Traffic.dest_port", (), "destination.port"),
        # Splunk raw Sysmon field names, resolved like Sigma's Windows taxonomy
        ("splunk", "CommandLine", (("data_source", "Sysmon EventID 1"),), "process.command_line"),
        ("splunk", "EventCode", (("data_source", "Windows Event Log Security 4688"),), "event.code"),
        # cloud: hand-curated native fields, by Sigma product / Splunk data source
        ("sigma", "eventName", (("product", "aws"), ("service", "cloudtrail")), "event.action"),
        ("splunk", "eventName", (("data_source", "AWS CloudTrail CreateKey"),), "event.action"),
        # Sigma web categories without product
        ("sigma", "cs-uri-query", (("category", "proxy"),), "url.query"),
    ],
)
def test_canonical(normalizer: FieldNormalizer, vendor: str, field: str, logsource, expected: str) -> None:
    assert normalizer.canonical(vendor, field, logsource=logsource) == expected


def test_logsource_scope_is_kept(normalizer: FieldNormalizer) -> None:
    # pySigma ecs_windows maps Description differently per category
    assert normalizer.canonical("sigma", "Description", logsource=WIN_PROC) == "process.pe.description"
    assert normalizer.canonical("sigma", "Description", logsource=WIN_IMAGE_LOAD) == "file.pe.description"
    ps_classic = (("product", "windows"), ("service", "powershell-classic"))
    assert normalizer.canonical("sigma", "CommandLine", logsource=ps_classic) == "powershell.command.value"


def test_windows_fields_without_mapping_get_event_data_prefix(normalizer: FieldNormalizer) -> None:
    sec = (("product", "windows"), ("service", "security"))
    assert normalizer.canonical("sigma", "ShareName", logsource=sec) == "winlog.event_data.ShareName"


def test_unmapped_fields_are_vendor_qualified_and_counted() -> None:
    n = FieldNormalizer()
    acme = (("product", "acme"),)
    assert n.canonical("sigma", "FooBar", logsource=acme) == "sigma:FooBar"
    assert n.canonical("sigma", "FooBar", logsource=acme) == "sigma:FooBar"
    assert (
        n.canonical("elastic", "no_such_namespace_field", logsource=()) == "elastic:no_such_namespace_field"
    )
    assert n.canonical(Vendor.SPLUNK, "Processes.no_such_field") == "splunk:Processes.no_such_field"
    assert n.unmapped[("sigma", "FooBar")] == 2
    assert n.unmapped[("splunk", "Processes.no_such_field")] == 1
    assert n.canonical("elastic", "process.name") == "process.name"
    assert n.resolved["elastic"] == 1
    assert is_unmapped("sigma:FooBar")
    assert not is_unmapped("process.name")


def test_describe_lists_vendor_spellings(normalizer: FieldNormalizer) -> None:
    f = normalizer.describe("process.name")
    spellings = set(f.vendor_spellings)
    assert {("sigma", "Image"), ("elastic", "process.executable"), ("elastic", "process.name")} <= spellings
    assert ("splunk", "Processes.process_name") in spellings
    assert f.canonical
    u = normalizer.describe("sigma:FooBar")
    assert not u.canonical
    assert u.vendor_spellings == (("sigma", "FooBar"),)


def test_path_field(normalizer: FieldNormalizer) -> None:
    assert normalizer.path_field("process.name")
    assert not normalizer.path_field("process.command_line")


def test_documented_fields(normalizer: FieldNormalizer) -> None:
    docs = {f.id: f for f in normalizer.documented()}
    assert "process.name" in docs
    assert all(f.canonical for f in docs.values())
    assert ("splunk", "DNS.query") in docs["dns.question.name"].vendor_spellings
