"""Name lookup, concept keys and atomic writes."""

import os

import pytest

from stackgraph.atomic import atomic_write
from stackgraph.errors import InputError, UnknownEntityError
from stackgraph.vocabulary.names import concept_key, local_name, resolve_name, suggest_names

NAMES = {
    "https://w3id.org/stackgraph/id/SpaceX": ["SpaceX", "Space Exploration Technologies"],
    "https://w3id.org/stackgraph/id/xAI": ["xAI"],
    "https://w3id.org/stackgraph/id/Nokia": ["Nokia", "Nokia Oyj"],
    "https://w3id.org/stackgraph/id/NokiaAIRAN": ["Nokia AI-RAN"],
}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("SpaceX", "SpaceX"),
        ("spacex", "SpaceX"),
        ("Space Exploration Technologies", "SpaceX"),
        ("<https://w3id.org/stackgraph/id/xAI>", "xAI"),
        ("https://w3id.org/stackgraph/id/Nokia", "Nokia"),
        ("nokia oyj", "Nokia"),
        ("NokiaAIRAN", "NokiaAIRAN"),
    ],
)
def test_resolve_by_label_alias_local_name_or_iri(typed, expected):
    assert local_name(resolve_name(typed, NAMES)) == expected


def test_unknown_name_suggests_the_closest():
    with pytest.raises(UnknownEntityError) as caught:
        resolve_name("Nokai", NAMES)
    assert "unknown entity 'Nokai'" in str(caught.value)
    assert "Nokia" in caught.value.suggestions


def test_ambiguous_label_is_an_error_naming_both():
    names = {"urn:a:X": ["Acme"], "urn:b:Y": ["Acme"]}
    with pytest.raises(UnknownEntityError) as caught:
        resolve_name("acme", names)
    assert caught.value.suggestions == ["urn:a:X", "urn:b:Y"]


def test_suggestions_include_substrings():
    assert "Nokia AI-RAN" in suggest_names("AI-RAN", NAMES)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("AIModels", "ai-models"),
        ("TerrestrialRAN", "terrestrial-ran"),
        ("InTalks", "in-talks"),
        ("Completed", "completed"),
        ("https://w3id.org/stackgraph/ns#LaunchAndSpace", "launch-and-space"),
    ],
)
def test_concept_keys(name, key):
    assert concept_key(name) == key


def test_atomic_write_replaces_whole_file(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    atomic_write(target, "new content")
    assert target.read_text() == "new content"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_atomic_write_into_missing_folder_is_one_clear_error(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        atomic_write(tmp_path / "missing" / "out.txt", b"x")


def test_atomic_write_gives_new_files_the_usual_mode_and_keeps_an_existing_mode(tmp_path):
    fresh = atomic_write(tmp_path / "fresh.txt", "x")
    umask = os.umask(0)
    os.umask(umask)
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~umask
    kept = tmp_path / "kept.txt"
    kept.write_text("old")
    kept.chmod(0o640)
    atomic_write(kept, "new")
    assert kept.stat().st_mode & 0o777 == 0o640
