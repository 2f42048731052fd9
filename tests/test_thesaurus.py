from pq_assistant.thesaurus import expand


def test_informal_words_get_the_official_terms():
    assert expand("Hoeveel geld gaat naar de gezinscentra?").endswith("(Huis van het Kind Huizen van het Kind; budget middelen miljoen euro)")
    assert "tieners" in expand("ouders van pubers") and "kraamzorg" in expand("prijs van kraamhulp per uur")
    assert "Huizen van het Kind" in expand("How many Houses of the Child are there?")


def test_no_expansion_without_a_match():
    q = "Hoeveel consultatiebureaus telde Kind en Gezin in 2016?"
    assert expand(q) == q
    assert expand("vaderschapsverlof") == "vaderschapsverlof"  # whole words only
