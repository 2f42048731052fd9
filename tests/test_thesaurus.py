from pq_assistant.thesaurus import expand


def test_other_names_get_the_official_terms():
    assert expand("Hoeveel HvhK zijn er?").endswith("(Huis van het Kind Huizen van het Kind)")
    assert "Opgroeien" in expand("de cijfers van K&G") and "Groeipakket" in expand("de kinderbijslag in 2018")
    assert "Huizen van het Kind" in expand("How many Houses of the Child are there?")
    assert "kraamzorg" in expand("maternity care per hour")


def test_lay_words_are_not_in_the_thesaurus():
    # issue 14: lay synonyms come from what the index learns (lay.py), not from a word list
    for q in ("Hoeveel geld gaat naar de gezinscentra?", "ouders van pubers", "prijs van kraamhulp per uur"):
        assert expand(q) == q


def test_no_expansion_without_a_match():
    q = "Hoeveel consultatiebureaus telde Kind en Gezin in 2016?"
    assert expand(q) == q
    assert expand("vaderschapsverlof") == "vaderschapsverlof"  # whole words only
