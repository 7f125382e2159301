"""The dictionary both ways: English words for Chinese ones, Chinese words for English ones."""

from __future__ import annotations

from core import glossary as glossary_module
from core.glossary import (
    base_forms,
    english_forms,
    glossary,
    is_english_word,
    other_spellings,
    translated_words,
    word_translations,
)
from core.text import content_words


def test_chinese_words_translate_to_the_english_words_of_their_glosses():
    assert glossary().translations("抗生素") == ("antibiotic",)
    assert set(glossary().translations("长江")) == {"river", "yangtze"}  # 'Yangtze River'
    assert glossary().translations("不是一个词") == ()
    # No slur, joke or slang sense is a translation: 'Korean' is no 韩棒子 ("(derog.)").
    assert word_translations(["korean"])["korean"] == ("韩国人",)
    # "to be born": 'born'; "United Kingdom 聯合王國|联合王国[...]" and "abbr. for England": the
    # English words, not the Chinese ones a gloss points to.
    assert set(word_translations(["born"])["born"]) == {"出生", "诞生", "出世"}
    assert set(glossary().translations("英国")) == {"united", "kingdom", "england"}
    assert "beijing" not in glossary().translations("京")  # 京 is in 南京 and 东京 too


def test_a_word_is_english_when_the_dictionary_glosses_it_in_some_form():
    english = ("proxy", "Battery", "recompiling", "utilization", "convolutional", "unsafe")
    english += ("colour", "downside")
    for word in english:
        assert is_english_word(word), word  # listed, inflected, derived, prefixed, British, two
    for word in ("nginx", "fail2ban", "localmodconfig", "kubectl", "zzzz"):
        assert not is_english_word(word), word


def test_english_words_translate_in_any_inflection():
    assert "抗生素" in glossary().translations("antibiotics")  # antibiotics -> antibiotic
    assert "样品" in glossary().translations("samples")
    assert "嫁接" in glossary().translations("grafting")
    assert glossary().translations("labour") == glossary().translations("labor")  # British
    # 'centre' glosses 基点 alone; 'center' gives 中心. A short word is read as written first.
    assert glossary().translations("centre")[0] == "中心"
    assert glossary().translations("four") != glossary().translations("for")
    # An irregular past is read as its present ('came': come).
    assert glossary().translations("came") == glossary().translations("come")
    assert glossary().translations("zzzz") == ()
    # A plural is its singular before a name in a gloss ('wars': 战争, not "Star Wars").
    assert glossary().translations("wars")[0] == "战争"
    # An inflected word glossed by few words takes its base word's too ('invited': 受聘).
    assert "邀请" in glossary().translations("invited")
    assert "核实" in glossary().senses("verified") and base_forms("verified") == ["verify"]
    assert "新生" not in glossary().translations("news")  # glossed by enough words of its own
    # Less is taken off first: 'nodes' are nodes (节点), not nods (点头); 'hoped', hope.
    assert glossary().translations("nodes")[0] == "节点"
    assert glossary().translations("hoped") == glossary().translations("hope")


def test_names_in_glosses_translate_when_no_plain_gloss_does():
    assert "长江" in glossary().translations("yangtze")  # from 'Yangtze River'
    assert glossary().translations("tianwen-1") == ("天问",)  # the name inside the hyphenation
    assert glossary().translations("chang'e") == ("嫦娥",)


def test_acronyms_translate_as_the_names_they_stand_for():
    assert "国内生产总值" in glossary().translations("gdp")  # gross domestic product (GDP)
    assert "世界贸易组织" in glossary().translations("wto")  # WTO (World Trade Organization)
    assert glossary().translations("国内生产总值") == ("gdp",)
    assert "国务院" not in glossary().translations("prc")  # State Council (PRC): a qualifier
    # Of two letters ('ai' is no sorrow, 哀), and after the field a gloss is of.
    assert glossary().translations("ai") == ("人工智能",)  # artificial intelligence (AI)
    assert set(glossary().translations("eu")) == {"欧盟", "欧洲联盟"}  # 欧盟: "EU"
    assert "公元前" in glossary().translations("bc")  # BC (before Christ)
    assert glossary().translations("mrt") == ("捷运",)  # (Tw) mass rapid transit (MRT)
    assert "固态硬盘" in glossary().translations("ssd")  # (computing) solid-state drive (SSD)
    assert glossary().translations("iii") == ()  # a Roman numeral


def test_headwords_are_read_as_questions_and_passages_are():
    # CC-CEDICT writes Bi Sheng 毕昇; OpenCC, which questions and passages are read through,
    # writes 毕升.
    assert glossary().translations("毕升") == ("sheng",)
    assert glossary().translations("畢昇") == ("sheng",)  # in traditional characters
    assert "毕升" in glossary().names["sheng"]


def test_single_characters_count_only_for_words_with_few_translations():
    assert set(glossary().translations("tea")) == {"茶", "茶叶"}
    kill = glossary().translations("kill")
    assert "杀死" in kill and "干" not in kill  # 干 (also: dry, do) is inside too many words


def test_english_forms():
    assert english_forms("samples") == ["samples", "sample", "sampl"]
    assert english_forms("tianwen-1") == ["tianwen-1", "tianwen"]
    assert english_forms("babies") == ["babies", "baby", "babie", "babi"]
    # The forms the dictionary's glosses use, of four letters or more.
    assert base_forms("earliest") == ["early"] and base_forms("easier") == ["easy"]
    assert base_forms("samples") == ["sample"] and base_forms("早期") == []
    assert base_forms("kept") == ["keep"] and english_forms("went") == ["went", "go"]
    assert base_forms("governor-general") == []
    # Spelt the other side of the Atlantic: both ways, inflected, and no word that only looks so.
    assert other_spellings("behaviour") == ["behavior"] and other_spellings("Colors") == ["colours"]
    assert other_spellings("organised") == ["organized"] and other_spellings("four") == []
    # A consonant doubled before the ending.
    assert "stop" in english_forms("stopped") and "run" in english_forms("running")
    assert "cal" not in english_forms("called") and "ad" not in english_forms("added")


def test_an_english_word_keeps_its_likeliest_chinese_words():
    # Those whose main senses include the word first, then the commoner ones (jieba's counts).
    assert glossary().translations("study")[0] == "研究"  # not 书房 (a study room)
    assert "结果" not in glossary().translations("kill")  # 'result'; 'to kill' is a late sense
    assert len(glossary().translations("increase")) == 3  # of 17
    # A unit's own name first: the glosses give 'year' as 年度 (and 年级, a school year) first.
    assert glossary().translations("year")[0] == "年"
    assert glossary().translations("metre")[0] == "米"
    assert glossary().translations("days")[:2] == ("天", "日")


def test_an_english_words_rarer_senses_are_every_word_of_several_characters_glossed_as_it():
    assert "拍档" not in glossary().translations("partners")
    senses = glossary().senses("partners")
    assert {"伙伴", "合伙人", "拍档"} <= set(senses) and all(len(word) > 1 for word in senses)
    assert glossary().senses("xianglin") == ()
    # A word the glosses use only beside another: 'tactile sensation', 'admission ticket'.
    assert glossary().translations("tactile") == () and "触觉" in glossary().senses("tactile")
    assert "入场券" in glossary().senses("admission")


def test_each_character_has_its_readings_in_toneless_pinyin():
    readings = glossary().readings
    assert list(readings["祥"]) == ["xiang"] and set(readings["长"]) == {"chang", "zhang"}
    assert list(readings["绿"]) == list(readings["綠"]) == ["lv"]
    assert all(reading.isalpha() for found in readings.values() for reading in found)


def test_the_parsed_dictionary_is_kept_and_read_back(tmp_path, monkeypatch):
    monkeypatch.setattr(glossary_module, "default_cache", lambda: tmp_path)
    glossary.cache_clear()
    try:
        made = glossary()
        (kept,) = tmp_path.glob("glossary-*.json")
        glossary.cache_clear()
        read = glossary()
        for word in ("study", "yangtze", "抗生素", "tea"):
            assert read.translations(word) == made.translations(word)
        assert list(read.readings["长"]) == list(made.readings["长"]) == ["chang", "zhang"]
        kept.write_text("{broken", encoding="utf-8")
        monkeypatch.setattr(glossary_module, "fallback_cache", lambda: tmp_path / "nowhere")
        glossary.cache_clear()
        assert glossary().translations("抗生素") == ("antibiotic",)  # parsed again, and kept
        assert kept.read_text(encoding="utf-8").startswith("[")
    finally:
        glossary.cache_clear()


def test_two_neighbouring_words_take_the_translation_of_the_phrase_they_make():
    found = word_translations(["giant", "panda", "bamboo"])
    assert found["giant"][0] == found["panda"][0] == "大熊猫"  # 'giant panda', first
    assert "大熊猫" not in glossary().translations("giant")  # which neither word is alone
    assert "大熊猫" not in found["bamboo"]
    assert word_translations(["national", "parks"])["parks"][0] == "国家公园"  # inflected
    assert "大熊猫" in translated_words(["giant", "panda"])  # the search's translated query
    # Chinese words that jieba cut apart: 树莓派 is the Raspberry Pi, which 树莓 alone is not.
    found = word_translations(content_words("如何在树莓派上安装 Debian？"))
    assert found["树莓"][0] == found["派"][0] == "raspberry"
    assert "raspberry" not in glossary().translations("派")


def test_words_whose_first_gloss_is_a_verb_are_verbs():
    verbs = glossary().verbs
    assert {"宕机", "卡住", "遮住"} <= verbs  # "(of a computer) to crash", "to jam"
    assert not {"抗生素", "突然", "鼻炎"} & verbs
