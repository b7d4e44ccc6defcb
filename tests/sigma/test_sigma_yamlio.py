from __future__ import annotations

import pytest

from loaders.sigma.yamlio import MAX_DEPTH, YamlError, load_documents


def test_single_and_multi_document_lines() -> None:
    docs = load_documents("# comment\ntitle: a\n---\ntitle: b\n---\n\n  # c\ntitle: c\n")
    assert [(d.data["title"], d.line) for d in docs] == [("a", 2), ("b", 4), ("c", 8)]


def test_empty_documents_are_skipped() -> None:
    assert load_documents("") == []
    assert [d.data for d in load_documents("---\na: 1\n---\n")] == [{"a": 1}]


def test_duplicate_key_reports_line_of_the_repeat() -> None:
    text = "title: t\ndetection:\n  sel:\n    Image: a\n    Other: b\n    Image: c\n"
    with pytest.raises(YamlError) as err:
        load_documents(text)
    assert err.value.line == 6
    assert err.value.message == "duplicate key 'Image' (first defined on line 4)"


def test_same_text_with_different_types_is_not_a_duplicate() -> None:
    (doc,) = load_documents("1: int\n'1': str\n")
    assert doc.data == {1: "int", "1": "str"}


def test_duplicate_key_in_second_document() -> None:
    with pytest.raises(YamlError) as err:
        load_documents("a: 1\n---\nb: 1\nb: 2\n")
    assert err.value.line == 4


def test_small_aliases_are_fine() -> None:
    (doc,) = load_documents("base: &b [x, y]\nsel: *b\n")
    assert doc.data == {"base": ["x", "y"], "sel": ["x", "y"]}


def test_alias_bomb_is_rejected_quickly() -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    prev = "a"
    for name in "bcdefghijk":
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
        prev = name
    with pytest.raises(YamlError) as err:
        load_documents("\n".join(lines) + "\n")
    assert "alias bomb" in err.value.message


def test_recursive_alias_is_rejected() -> None:
    with pytest.raises(YamlError, match="recursive alias"):
        load_documents("a: &a [x, *a]\n")


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 500, 999])
def test_deep_nesting_is_rejected_without_recursion_error(depth: int) -> None:
    with pytest.raises(YamlError, match="nesting deeper than"):
        load_documents("sel: " + "[" * depth + "x" + "]" * depth + "\n")


def test_nesting_beyond_libyaml_limit_is_a_yaml_error() -> None:
    with pytest.raises(YamlError, match="invalid YAML"):
        load_documents("sel: " + "[" * 5000 + "x" + "]" * 5000 + "\n")


def test_block_nesting_is_rejected() -> None:
    with pytest.raises(YamlError, match="nesting deeper than"):
        load_documents("sel:\n  " + "- " * 300 + "x\n")


def test_syntax_error_reports_problem_and_start_lines() -> None:
    with pytest.raises(YamlError) as err:
        load_documents("title: t\ndetection:\n  sel: 'open\n  other: x\n")
    assert err.value.line == 5
    assert err.value.message.startswith("invalid YAML: while scanning a quoted scalar (line 3)")


def test_alias_bomb_of_wide_mappings_is_bounded() -> None:
    wide = "{" + ", ".join(f"k{i}: v" for i in range(5000)) + "}"
    text = f"a: &a {wide}\nb: &b [{', '.join(['*a'] * 100)}]\nc: [{', '.join(['*b'] * 100)}]\n"
    with pytest.raises(YamlError, match="alias bomb"):
        load_documents(text)


def test_merge_keys_tags_and_scalars_match_pyyaml() -> None:
    import yaml

    text = (
        "base: &x {k: 1}\nmerged:\n  <<: *x\n  j: 2\nset: !!set {a, b}\n"
        "scalars: [yes, No, ~, 0x1F, 1_000, 1.5, 2024-01-02, '2024-01-02', \"q\"]\n"
    )
    (doc,) = load_documents(text)
    assert doc.data == yaml.load(text, Loader=yaml.CSafeLoader)
    assert doc.data["scalars"][:6] == [True, False, None, 31, 1000, 1.5]


def test_shared_aliases_stay_shared_like_pyyaml() -> None:
    (doc,) = load_documents("a: &a [1, 2]\nb: *a\n")
    assert doc.data["a"] is doc.data["b"]


def test_unhashable_key_is_an_error() -> None:
    with pytest.raises(YamlError, match="unhashable"):
        load_documents("? [a, b]\n: x\n")
