from ingest.respace import respaced


def steps(text: str, wide_before: set[int] = frozenset()) -> list[float]:
    """Each character one median step after the one before it, and 1.7 where wide_before says."""
    return [1.7 if i in wide_before else 1.0 for i in range(len(text))]


def test_a_run_of_words_with_wide_gaps_inside_is_cut_into_them():
    text = "pipeofwhatpassesfor"
    assert respaced(text, steps(text, {4, 6, 10})) == "pipe of what passes for"
    # The cut follows the words where a gap is not wide: "of" starts at 4, "what" at 6.
    assert respaced(text, steps(text, {4})) == "pipe of what passes for"


def test_a_run_set_without_a_wide_gap_is_left_as_it_is():
    text = "call getaddrinfo first"
    assert respaced(text, steps(text)) == text  # a word wordfreq lacks, set tight
    assert respaced("theirLOGIN", None) == "theirLOGIN"  # positions unknown


def test_acronyms_and_names_are_not_cut_into_rare_pieces():
    text = "toLuchesiandtheNCI"
    assert respaced(text, steps(text, {2, 9, 12, 15})) == "to Luchesi and the NCI"
    assert respaced("DFMO", steps("DFMO", {2})) == "DFMO"


def test_punctuation_run_into_the_next_word_gets_its_space():
    assert respaced("precious.You are,I said;no", None) == "precious. You are, I said; no"
    assert respaced("e.g. the U.S.A. and example.com", None) == "e.g. the U.S.A. and example.com"


def test_words_run_into_numbers_and_sums_get_their_spaces():
    assert (
        respaced("every15minutes until 4:30p.m.,with", None)
        == "every 15 minutes until 4:30p.m., with"
    )
    assert respaced("Lot10 has a fee of$10, 30%of it", None) == "Lot 10 has a fee of $10, 30% of it"
    assert respaced("mp3 at 10am, 4th", None) == "mp3 at 10am, 4th"  # no word of three letters


def test_a_capitalised_name_read_off_a_scan_stays_whole():
    # Read off a scanned page: B to u is 1.4 median steps, every step after it 1.0. Cut at
    # that step, the name became "Bug aba", and a question asking about Bugaba was refused.
    text = "of Bugaba, or"
    wide = [0.0, 1.0, 0.0, 2.2, 1.4, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 2.0, 0.9]
    assert respaced(text, wide) == text
    # Its words run together, the step into B is a space; Bugaba is still one word (not Bug
    # and the rare 'aba'), and a rare word after a small one is still cut out ('dataset').
    glued = "ofBugaba,orBugava"
    steps_read = [0.0, 0.83, 1.81, 1.14, 1.05, 0.83, 1.05, 0.79, 1.11, 1.43, 0.83, 1.87]
    assert respaced(glued, steps_read + [1.05, 0.83, 1.08, 1.08, 0.79]) == "of Bugaba, or Bugava"
    assert respaced("thedataset", steps("thedataset", {3})) == "the dataset"
    # "Iwillputthat", read off the same scan: 1.9 from I to w is a space.
    text = "Iwillputthat"
    wide = [0.0, 1.89, 0.82, 0.66, 0.82, 1.29, 1.26, 0.99, 1.26, 0.96, 0.96, 0.96]
    assert respaced(text, wide) == "I will put that"
