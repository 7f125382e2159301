"""Chinese names written in pinyin, found among Chinese words."""

from __future__ import annotations

from core.pinyin import name_syllables, names_among, names_in, pattern, syllables


def test_a_word_is_read_as_syllables_of_pinyin():
    assert syllables("Xianglin") == [("xiang", "lin")]  # not xi-ang-lin: that is Xi'anglin
    assert syllables("Xi'an") == [("xi", "an")] and syllables("Lüshun") == [("lv", "shun")]
    assert syllables("Tiananmen") == [("ti", "a", "nan", "men"), ("tian", "an", "men")]
    # One syllable reads as too many characters; most English words are no pinyin at all.
    assert syllables("xian") == [] and syllables("Lu") == []
    assert syllables("nginx") == syllables("webdav") == syllables("Zotero") == []


def test_the_pattern_finds_the_chinese_words_a_name_in_pinyin_reads_as():
    found = pattern(syllables("Xianglin"))
    assert found is not None and pattern(syllables("linux")) is None
    words = "\n".join(["祥林嫂", "四叔", "相邻", "鲁镇"])
    assert {match.group(1) for match in found.finditer(words)} == {"祥林", "相邻"}
    assert [m.group(1) for m in pattern(syllables("Zhaozhou")).finditer("赵州桥\n赵州")] == [
        "赵州",
        "赵州",
    ]


def test_names_are_the_pieces_jieba_tags_as_names_or_does_not_know():
    assert names_among({"祥林", "降临", "相邻", "乡邻", "赵州", "梁思成"}) == {
        "祥林",
        "赵州",
        "梁思成",
    }


def test_a_name_of_several_words_is_read_as_pinyin_a_word_a_syllable_or_more():
    assert names_in("Who invented movable type, Bi Sheng or Cai Lun?") == [
        ("Bi", "Sheng"),
        ("Cai", "Lun"),
    ]
    assert names_in("How thick is the wall of Wenchang Lou?") == [("Wenchang", "Lou")]
    assert name_syllables(("Wenchang", "Lou")) == [("wen", "chang", "lou")]
    assert names_in("What was Zu Chongzhi's value of pi?") == [("Zu", "Chongzhi")]
    # Not the question's first word, nor words that are no pinyin, nor one word alone.
    assert names_in("Can Bi Sheng read?") == [("Bi", "Sheng")]
    assert names_in("Who won the FIFA World Cup in New York?") == []
    assert names_in("Where is Xianglin?") == [] and name_syllables(("Lu",)) == []
