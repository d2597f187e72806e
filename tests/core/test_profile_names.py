"""Profile names are matched as people mean them: case, Unicode normalisation and the Turkic i do not matter."""

from __future__ import annotations

import unicodedata

import pytest

from otsquiz.core.store import Store, StoreError, UnknownProfileError, profile_key, profile_name_problem

NFC_AYSE = "Ay\u015fe"
NFD_AYSE = "Ays\u0327e"


def test_another_case_finds_the_profile_and_keeps_its_spelling(store: Store) -> None:
    aygerim = store.profile("Aygerim")
    assert store.profile("aygerim") == aygerim
    assert store.profile("  AYGERIM ", create=False) == aygerim
    assert [profile.name for profile in store.profiles()] == ["Aygerim"]


def test_nfd_and_nfc_spellings_are_one_learner(store: Store) -> None:
    nfd = store.profile(NFD_AYSE)
    assert nfd.name == NFC_AYSE  # stored NFC
    assert store.profile(NFC_AYSE) == nfd
    assert store.profile("ayşe") == nfd
    assert len(store.profiles()) == 1


@pytest.mark.parametrize(("first", "second"), [("Aydın", "AYDIN"), ("İlkin", "ilkin"), ("Ilkin", "ılkin")])
def test_dotted_and_dotless_i_do_not_make_two_learners(store: Store, first: str, second: str) -> None:
    created = store.profile(first)
    assert store.profile(second) == created
    assert [profile.name for profile in store.profiles()] == [first]


def test_different_names_stay_different(store: Store) -> None:
    assert store.profile("Ali") != store.profile("Alim")
    assert store.profile("Ayse") != store.profile("Ayşe")  # a letter of its own, not a case
    assert len(store.profiles()) == 4


def test_profiles_stored_apart_by_an_older_otsquiz_are_each_found_by_their_own_spelling(store: Store) -> None:
    for name in ("Aygerim", "aygerim", NFD_AYSE, NFC_AYSE):
        store.connection.execute(
            "INSERT INTO profiles (name, created, settings) VALUES (?, 0, '{}')", (name,)
        )
    ids = {profile.name: profile.id for profile in store.profiles()}
    assert store.profile("aygerim").id == ids["aygerim"]
    assert store.profile("Aygerim").id == ids["Aygerim"]
    assert store.profile("AYGERIM").id == ids["Aygerim"]  # another spelling: the older
    assert store.profile(NFD_AYSE).id == ids[NFD_AYSE]
    assert store.profile(NFC_AYSE).id == ids[NFC_AYSE]
    assert len(store.profiles()) == 4


def test_an_unknown_name_is_still_unknown(store: Store) -> None:
    store.profile("Aygerim")
    with pytest.raises(UnknownProfileError):
        store.profile("Aygerym", create=False)


def test_profile_key() -> None:
    assert profile_key("  Ay\u015fe   Öğretmen ") == profile_key(
        unicodedata.normalize("NFD", "ayşe öğretmen")
    )
    assert profile_key("STRASSE") == profile_key("straße")
    assert profile_key("Ali") != profile_key("Alì")


def test_one_rule_for_new_names(store: Store) -> None:
    assert profile_name_problem("Ayşe Öğretmen") is None
    assert profile_name_problem("x" * 65) == "A profile name must be 1 to 64 characters long."
    problem = profile_name_problem("a\x1bb")
    assert problem is not None and "\x1b" not in problem
    with pytest.raises(StoreError, match="printable"):
        store.profile("a\x1bb")
