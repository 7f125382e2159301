"""Text cleaning, unwrapping, sentences and words, in English and Chinese."""

from core.text import (
    asked_unit,
    asks_for_a_date,
    asks_for_a_kind,
    asks_for_a_name,
    asks_for_a_year,
    asks_for_an_amount,
    capitalised_words,
    clean_text,
    content_words,
    counted_word,
    holds_what_is_asked,
    is_acronym,
    is_asked,
    is_chinese_verb,
    is_cjk,
    is_question,
    language,
    latin_glosses,
    leaves_out,
    multiword_names,
    names_a_time,
    names_a_year,
    names_an_amount,
    names_the_time_asked,
    numbered_names,
    safe_display_name,
    sentence_spans,
    shortens,
    simplified,
    spells_out,
    split_sentences,
    unit_names,
    unwrap_lines,
    without_accents,
    words,
    words_of_the_text,
    writes_amount_of,
    written_names,
)


def test_clean_text_removes_invisible_and_control_characters():
    dirty = "\ufeffa\x00b\u200bc d\ud800e \ufb01le\u202eX\r\nnext\x07 line"
    assert clean_text(dirty) == "abc de fileX\nnext line"


def test_clean_text_keeps_chinese_and_collapses_spaces():
    # The ideographic space is whitespace too: one plain space remains.
    assert clean_text("  中文　文本   and  text \n\n\n\nnext ") == "中文 文本 and text\n\nnext"


def test_unwrap_joins_cjk_lines_without_space_and_rejoins_hyphenated_words():
    text = (
        "Word vectors are a well-\nknown idea and they\nwork by experi-\nment.\n\n"
        "词向量把每个词\n映射为一个稠密向量。\n\n常见的有：维生素B12\n缺乏，用 BERT\n模型"
    )
    assert unwrap_lines(text) == (
        "Word vectors are a well-known idea and they work by experiment.\n\n"
        "词向量把每个词映射为一个稠密向量。"
        "\n\n常见的有：维生素B12缺乏，用 BERT 模型"  # the writer spaced BERT
    )


def test_unwrap_keeps_the_hyphen_of_a_compound():
    assert unwrap_lines("Anglo-\nSaxon") == "Anglo-Saxon"
    assert unwrap_lines("a knowledge-\nbased economy") == "a knowledge-based economy"
    assert unwrap_lines("cultural self-\nawareness") == "cultural self-awareness"


def test_a_numbered_heading_is_a_paragraph_of_its_own():
    text = (
        "Download them from:\n• https://a.org/iso-cd/\n6.2.3 BD iso images for amd64\n"
        "These images are 7.5 GB\nlarge.\n12.2.1 升级主服务器\n升级前请\n备份。\n3 Architecture\n"
        "1.7 How does one pronounce Debian and what does this word\nmean?\nIt is Deb'-ee-en.\n\n"
        "It costs\n100 Euro per year, and was founded in\n2001 by him."
    )
    assert unwrap_lines(text).split("\n\n") == [
        "Download them from: • https://a.org/iso-cd/",
        "6.2.3 BD iso images for amd64",
        "These images are 7.5 GB large.",
        "12.2.1 升级主服务器",
        "升级前请备份。",
        "3 Architecture",
        "1.7 How does one pronounce Debian and what does this word mean?",  # a heading wrapped
        "It is Deb'-ee-en.",
        # A line of running text that starts with a number is no heading.
        "It costs 100 Euro per year, and was founded in 2001 by him.",
    ]


def test_sentences_in_english_and_chinese():
    text = "Hello world. Is it? 第一句。第二句！第三句；Last one"
    assert split_sentences(text) == [
        "Hello world.",
        "Is it?",
        "第一句。",
        "第二句！",
        "第三句；",
        "Last one",
    ]


def test_sentence_spans_point_into_the_text():
    text = "  One.  Two!\n\nThree"
    assert [text[a:b] for a, b in sentence_spans(text)] == ["One.", "Two!", "Three"]


def test_decimal_numbers_do_not_end_sentences():
    assert split_sentences("Pi is 3.14 roughly. Yes.") == ["Pi is 3.14 roughly.", "Yes."]


def test_abbreviations_do_not_end_sentences():
    text = (
        "Remove them, e.g. by running aptitude clean. See Fig. 3, i.e. the map. "
        "Mikolov et al. trained it. Do I keep them? No. They go."
    )
    assert split_sentences(text) == [
        "Remove them, e.g. by running aptitude clean.",
        "See Fig. 3, i.e. the map.",
        "Mikolov et al. trained it.",
        "Do I keep them?",
        "No.",
        "They go.",
    ]


def test_a_bullet_starts_a_sentence():
    # A PDF's list, its lines joined: items without a full stop ran into the next sentence.
    text = (
        "Download them from: • https://a.org/iso-cd/ • https://b.org/iso-cd/ "
        "These images are 7.5 GB large. • 瘦客户端能够仅有 256 MiB 内存 • Xfce 是默认桌面"
    )
    assert split_sentences(text) == [
        "Download them from:",
        "https://a.org/iso-cd/",
        "https://b.org/iso-cd/ These images are 7.5 GB large.",
        "瘦客户端能够仅有 256 MiB 内存",
        "Xfce 是默认桌面",
    ]
    assert split_sentences("A•B and C") == ["A•B and C"]  # no bullet without spaces around it


def test_questions_in_either_script_are_told_from_statements():
    assert [is_question(s) for s in ("What is it?", "是什么？」", "It is.", "它是。")] == [
        True,
        True,
        False,
        False,
    ]


def test_a_query_asks_with_or_without_its_question_mark():
    asked = ("what does the SO_REUSEADDR option do", "how to make a socket non blocking")
    assert all(
        map(is_asked, (*asked, "Is it safe?", "祥林嫂 怎么死的", "这样可以吗", "這個怎麼用"))
    )
    # Keywords and statements (a claim) ask nothing; a document's sentence is no query.
    assert not any(map(is_asked, ("listen backlog queue size", "Roughly 55% of women smoke.")))
    assert not is_question("what does the SO_REUSEADDR option do")


def test_words_segments_chinese_into_words():
    tokens = words("苹果公司发布了新的手机。Apples grow on trees.")
    assert "苹果公司" in tokens and "手机" in tokens
    assert tokens[-4:] == ["apples", "grow", "on", "trees"]
    assert "。" not in tokens


def test_traditional_chinese_is_read_as_simplified_character_for_character():
    assert simplified("GnuPG 的說明：這把金鑰") == "GnuPG 的说明：这把金钥"
    assert simplified("乾隆年間很乾燥") == "乾隆年间很干燥"  # by the phrase, not the character
    assert simplified("naïve 大熊猫") == "naïve 大熊猫"
    # One spelling for both scripts, though OpenCC's phrase gives 毕昇 and its characters 毕升.
    assert simplified("畢昇發明活字") == simplified("毕昇发明活字") == "毕升发明活字"
    assert content_words("畢昇用什麼材料？") == content_words("毕昇用什么材料？")
    assert content_words("毕昇用什么材料？") == ["毕升", "材料"]
    # A traditional question loses the same stop-words as a simplified one.
    assert content_words("RSA 可以被用來做什麼？") == content_words("RSA 可以被用来做什么？")
    assert content_words("RSA 可以被用來做什麼？") == ["rsa", "用来"]


def test_safe_display_name_never_keeps_a_path():
    assert safe_display_name("../../etc/passwd") == "passwd"
    assert safe_display_name("C:\\Users\\me\\report.pdf") == "report.pdf"
    assert safe_display_name("..") == "unnamed"
    assert safe_display_name("bad\x00\x07name\u202e.pdf") == "badname.pdf"
    long = safe_display_name("a" * 300 + ".pdf")
    assert len(long) == 120 and long.endswith("….pdf")
    assert safe_display_name("论文 第一章.pdf") == "论文 第一章.pdf"


def test_language_counts_the_letters_is_cjk_accepts():
    texts = ["长江全长6300余公里。", "Word2Vec 词向量 river", "GloVe 把共现矩阵分解成词向量。"]
    texts += ["Salt."]
    texts += ["", "123 — …", "ＡＢＣ abc", "々々 ab", "한국어 text", "カタカナ ab", "𠀀𠀁 abcd"]
    for text in texts:
        letters = [char for char in text if char.isalpha()]
        share = sum(map(is_cjk, letters)) / len(letters) if letters else 0.0
        assert language(text) == ("zh" if share >= 0.3 else "en"), text
    assert [language(text) for text in texts[:4]] == ["zh", "en", "zh", "en"]


def test_numbered_names_are_names_followed_by_a_number():
    def found(text: str) -> list[tuple[str, str, str]]:
        return [(named.shown, named.name, named.number) for named in numbered_names(text)]

    assert found("When will Debian Edu 13 be released?") == [("Debian Edu 13", "Edu", "13")]
    assert found("Debian 14 的代号是什么？") == [("Debian 14", "Debian", "14")]
    assert found("请问Debian 5.0的代号") == [("Debian 5.0", "Debian", "5.0")]
    assert found("Is iPhone 15 faster than GPT-4?") == [
        ("iPhone 15", "iPhone", "15"),
        ("GPT-4", "GPT", "4"),
    ]
    # No name: a year, a count, a part of the text; a digit inside a name is part of it.
    for text in (
        "Who won the 2018 World Cup?",
        "In 2001, who founded it?",
        "What does Table 3 show?",
        "Does it need 256 MiB?",
        "What does Word2Vec replace?",
        "用 E5 做检索时要加什么前缀？",
        "the python 3 api",
    ):
        assert found(text) == [], text


def test_multiword_names_are_capitalised_words_in_a_row():
    assert multiword_names("How do I enable Secure Boot on Debian?") == ["Secure Boot"]
    assert multiword_names("How do I join Microsoft Active Directory?") == [
        "Microsoft Active Directory"
    ]
    assert multiword_names("如何把服务器加入 Active Directory 域？") == ["Active Directory"]
    assert multiword_names("What does Sentence-BERT use?") == ["Sentence-BERT"]
    # A possessive parts two names: the text writes "Guido van Rossum, who served as its
    # Benevolent Dictator for Life", never "Rossum Python".
    assert multiword_names(
        "Until when was Guido van Rossum Python's Benevolent Dictator for Life?"
    ) == ["Benevolent Dictator"]
    for text in (
        "When was Handel's Rinaldo first staged?",  # Handel's opera Rinaldo
        "Who won the Bank of America prize?",  # split by a function word
        "Chronic HIV stimulation of B cells",  # an English sentence's first word
        "How Do I Install Debian On A Raspberry Pi?",  # title case
        "Is Cyclin A2 destroyed?",  # a name's number is another matter (numbered_names)
        "How large are the Chinese BGE models?",  # a language qualifies a name
        "Can SQLite's JSONB be read as PostgreSQL JSONB?",  # two names of software
    ):
        assert multiword_names(text) == [], text
    assert multiword_names("Who runs GitHub Actions?") == ["GitHub Actions"]


def test_a_chinese_word_takes_the_latin_spelling_written_in_brackets_after_it():
    assert latin_glosses("约翰·伯顿（John Burton）出版了什么？") == {
        "约翰": ("john", "burton"),
        "伯顿": ("john", "burton"),
    }
    # A gloss may hold a number; a function word before the glossed one takes none.
    assert latin_glosses("PEP 11 的第一层级（Tier 1）平台") == {
        "第一": ("tier",),
        "层级": ("tier",),
    }


def test_capitalised_words_are_the_names_a_question_writes_in_capitals():
    assert capitalised_words("How do I set up WireGuard on Debian?") == ["WireGuard", "Debian"]
    assert capitalised_words("Which iPhone did Apple's team ship?") == ["iPhone", "Apple"]
    assert capitalised_words("Is Chang'e 6 on the far side?") == ["Chang'e"]
    for text in (
        "Neptune has how many moons?",  # a sentence's first word
        "Does HMGB1 kill cells?",  # an acronym, which a document may write out
        "How do I install the Chinese fonts?",  # a language qualifies
        "Which quotes suit Simplified Chinese?",  # and so does its script
        "How Do I Install Debian On A Raspberry Pi?",  # title case
        "Kubernetes 集群怎么搭？",
    ):
        assert capitalised_words(text) == [], text


def test_a_question_asking_for_a_name_is_told_from_one_asking_what_a_thing_is_called():
    for question in (
        "What was the name of the little boy the Giant loved?",
        "What are the names of the two farmers?",
        "What was Mrs. Sappleton's first name?",
        "What was the Selfish Giant's name?",
        "What name did Gip give the white kitten?",
        "What's the name of the ship?",
        "What was his name?",
        "传说中那条美人鱼叫什么名字？",
        "李天祿創辦的布袋戲團叫什麼名字？",
        "这本书的名称是什么？",
    ):
        assert asks_for_a_name(question), question
    for question in (
        "What are the ancient cemeteries called?",  # a term, perhaps in lower case
        "What is the codename of Debian 13?",  # trixie
        "What name server should I use?",
        "What is the file name?",
        "How are the names chosen?",
        "暂存区按 Git 的术语又叫什么？",
    ):
        assert not asks_for_a_name(question), question


def test_the_words_a_question_uses_of_the_text_itself():
    assert words_of_the_text("What was Fortunato's weakness, according to the narrator?") == {
        "narrator"
    }
    assert words_of_the_text("What was the narrator's plan?") == {"narrator"}
    assert words_of_the_text("According to the design guidance, how many sections?") == {
        "design",
        "guidance",
    }
    assert words_of_the_text("按照这部规定，狂犬病疫苗多久打一次？") == {"规定"}
    assert words_of_the_text("故事一开头，“我”是在哪里碰见朱子平的？") == {"故事"}
    assert words_of_the_text("根据什么标准鉴定古树？") == set()  # no source named
    assert words_of_the_text("《三字经》的作者是谁？") == set()  # the author is asked for
    assert words_of_the_text("Which Toy Story character is Debian's mascot?") == set()  # a film


def test_written_names_are_quoted_capitalised_or_tagged_as_names():
    assert written_names("Framton wondered whether Mrs. Sappleton was a widow.") == [
        "Framton",
        "Sappleton",
    ]
    assert written_names('Each LTS release gets a codename: v4.2.0 is "Argon".') == [
        "Argon",
        "LTS",
        "Argon",
        "v4.2.0",
    ]
    assert written_names("那个小店叫做“咸亨酒店”，在绍兴。") == ["咸亨酒店", "咸亨", "绍兴"]
    assert written_names("他的老师叫藤野严九郎。") == ["藤野", "严九郎"]
    for text in (
        "But the little boy whom the giant loved was never seen again.",
        '"No good, sir," said the shopman, on an October afternoon.',  # speech, a month
        "His French window was open.",  # a qualifier
        "第二年的总办是一个新党。",
    ):
        assert written_names(text) == [], text


def test_latin_letters_lose_their_accents_and_other_scripts_stay():
    assert without_accents("Zürich, Skłodowska, São Paulo, Nguyễn, straße") == (
        "Zurich, Sklodowska, Sao Paulo, Nguyen, strasse"
    )
    assert without_accents("Zu\u0308rich") == "Zurich"  # an accent written apart
    assert without_accents("北京 Москва Ελλάδα ×÷") == "北京 Москва Ελλάδα ×÷"


def test_a_question_asking_for_a_date_is_told_from_one_asking_for_a_condition():
    assert asks_for_a_date("When did Debian 12 come out?")
    assert asks_for_a_date("In what year was the Skolelinux project founded?")
    assert asks_for_a_date("Who invented sockets at Berkeley, and in what year?")
    assert asks_for_a_date("Who wrote the HOWTO and when?")
    assert asks_for_a_date("Debian 12 是哪一天发布的？")
    # Which years, not how many: 哪几年 is answered by 2000年至2007年.
    assert (
        asks_for_a_date("他是哪几年的世界冠军？") and asked_unit("他是哪几年的世界冠军？") is None
    )
    assert asks_for_a_date("In which years did he win?") and asked_unit("要等几年？") == "年"
    assert asks_for_a_date("Skolelinux 項目是什麼時候成立的？")  # in traditional characters
    assert not asks_for_a_date("When should I use HNSW instead of a flat index?")
    assert not asks_for_a_date("什么时候该用 HNSW？")
    assert not asks_for_a_date("What did Debian 12 change?")
    assert asks_for_a_date("茶居每天几点开门？")  # a time of day: no count of 点
    assert counted_word("茶居每天几点开门？") is None and not asks_for_an_amount("几点开门")


def test_a_question_asking_for_a_thing_of_a_kind_in_either_language():
    assert asks_for_a_kind("What exponent alpha does GloVe suggest?", "exponent")
    assert asks_for_a_kind("Which kind of index does Chroma build?", "index")
    assert asks_for_a_kind("Under which U.S. statute can a court order it?", "statute")
    assert not asks_for_a_kind("Which court order names the statute?", "statute")
    assert asks_for_a_kind("Debian Etch 的 OpenSSL 用了什么熵源？", "熵源")
    assert asks_for_a_kind("Word2Vec 用哪种損失函數？", "损失函数")  # traditional characters
    assert not asks_for_a_kind("How is the exponent chosen?", "exponent")
    assert not asks_for_a_kind("冥王星为什么被降级为矮行星？", "降级")  # 为什么 asks why


def test_a_time_is_a_year_a_date_a_season_or_an_era_in_either_language_not_a_length():
    for said in (
        "Released on 10 June 2023.",
        "It opened in the 1450s.",
        "Prune it in late summer.",
        "During the Song dynasty, Bi Sheng made type from clay.",
        "Debian Edu 3.0r0 Terra was released 2007-07-22.",
        "嫦娥五号于十二月一日着陆。",
        "第一代 iPhone 于2007年6月29日上市。",
        "宋朝的毕昇发明了活字印刷。",
        "The Western Roman Empire fell in 476.",
        "Two years later, the company moved to Cupertino.",
        "二十多年前，长江的渔业资源曾严重衰退。",
        "从2021年1月1日起实行禁捕。",
        "清晨 4 時半開市、下午 3 時關門。",  # a time of day
        "The ferry leaves at 6:30 and at 7 pm.",
    ):
        assert names_a_time(said), said
    for said in (
        "You may install it with apt.",  # 'may', the verb
        "嫦娥五号带回了月球样品。",  # 号 of a name, 月 of the Moon
        "The project was founded in Norway.",
        # How long, not when; a number and a codename that only look like times.
        "Each release benefits from at least 5 years of support.",
        "每个版本至少提供5年的安全支持。",
        "VNC listens on port 5900.",
        "Debian 12 的代号是 bookworm。",
        "有3点建议。",  # points, not o'clock
    ):
        assert not names_a_time(said), said


def test_a_question_asking_which_year_and_a_text_naming_one():
    assert asks_for_a_year("In what year did Grand Park open?") and asks_for_a_year("哪年建成的")
    assert not asks_for_a_year("When did Grand Park open?") and not asks_for_a_year("几年")
    for said in (
        "in 1257",
        "in the 1890s",
        "1988年夏季奧運會",
        "一九五四年",
        "2024-07-15",
        "476 AD",
        "The Western Roman Empire fell in 476.",
    ):
        assert names_a_year(said), said
    for said in ("在宋代以前", "in the 19th century", "port 5900 is open", "5年的支持"):
        assert not names_a_year(said), said
    # A Chinese text may write a year without 年, beside other characters; not an amount.
    assert names_a_year("形象照拍攝在2023第一次提供") and names_a_time("于1998开始")
    assert not names_a_year("在2000米高空") and not names_a_time("共有2023个")


def test_a_question_asking_which_day_wants_a_day_not_a_year():
    question = "Git 的第一个版本具体是哪一天发布的？"
    assert not names_the_time_asked(question, "自 2005 年诞生以来")
    for said in ("2005年4月7日发布", "预热活动在8/2举行", "on April 7, 2005", "the 7th of April"):
        assert names_the_time_asked(question, said), said
    assert names_the_time_asked("On what date did it open?", "It opened on a Monday.")
    assert names_the_time_asked("哪一年发布的？", "2005 年") and names_the_time_asked(
        "When was it released?", "in the spring"
    )


def test_a_question_asking_what_time_wants_a_time_of_day():
    for question in ("按摩小站幾點開放？", "What time does the museum open?"):
        assert asks_for_a_date(question)
        for said in ("上午10点开放", "下午三點結束", "10:00 开放", "It opens at 9 am."):
            assert names_the_time_asked(question, said), said
        for said in ("今年有焊接课程", "It opened in 1990.", "TR2樓到6楼皆為活動場地"):
            assert not names_the_time_asked(question, said), said
    assert not asks_for_a_date("What time complexity does HNSW have?")


def test_a_question_asking_for_an_amount_and_a_text_holding_one_in_either_language():
    for asked in (
        "How many copies of the Gutenberg Bible were printed?",
        "How much RAM does a thin client need?",
        "What percentage of the population must be immune?",
        "瘦客户机至少需要多少内存？",
        "负采样时一个正样本配几个负样本？",
        "BD iso 镜像有多大？",
    ):
        assert asks_for_an_amount(asked), asked
    for asked in (
        "How does FastText handle unseen words?",
        "几乎所有模型都这样吗？",
        "什么是几何平均？",
    ):
        assert not asks_for_an_amount(asked), asked
    for said in ("About 180 copies.", "three to six months", "内存节省4倍", "约三成", "一万亿美元"):
        assert names_an_amount(said), said
    for said in ("It is a modular server.", "这是一种模型。", "FastText 统一处理。"):
        assert not names_an_amount(said), said
    # Nor does a link's or a release's number count anything, nor an hour's, nor "one of", nor
    # a part's of a text.
    for said in (
        "第十一条旅游团队应当从国家开放口岸整团出入境。",
        "Under Section 4, deductions follow § 163.25.",
        "Changelog: https://example.org/compare/v5.3.1...v5.3.2",
        "Git 2.8.0 (v6)",
        "Release date: 2024-08-09",
        "going to market at twelve o'clock they found the Giant playing with the children",
        "Carved on one of the pews in the church of Zennor is a strange figure",
        "他十二点钟才回家",
    ):
        assert not names_an_amount(said), said
    assert names_an_amount("pi is 3.14") and names_an_amount("up to 100 peers")
    assert names_an_amount("one of three copies") and names_an_amount("only one copy survives")
    assert names_an_amount("第三条 旅行社应当具备三项条件")


def test_what_is_asked_for_is_a_time_when_asked_when_and_a_number_when_asked_how_many():
    assert holds_what_is_asked("When was Debian founded?", "It was founded in 1993.")
    assert not holds_what_is_asked("When was Debian founded?", "Ian Murdock founded it.")
    assert holds_what_is_asked("How many moons has Jupiter?", "It has 95 known moons.")
    assert not holds_what_is_asked("How many moons has Jupiter?", "Io and Europa are its moons.")
    assert not holds_what_is_asked("Why does sourdough rise?", "It rises in 1 day.")
    # How often, with no number: every week, 每周.
    assert holds_what_is_asked("How often is it released?", "It is released every week.")
    assert holds_what_is_asked("多久开一次会？", "工作组每月开一次会。")
    assert not holds_what_is_asked("How often is it released?", "It is released by Linus.")
    assert not holds_what_is_asked("How many people come?", "It is held every year.")


def test_jiebas_dictionary_tells_a_chinese_verb():
    assert is_chinese_verb("遮住") and is_chinese_verb("遮蓋")  # traditional read as simplified
    assert not is_chinese_verb("抗生素") and not is_chinese_verb("不是一个词")


def test_an_acronym_is_written_out_as_words_in_a_row_whose_first_letters_spell_it():
    assert is_acronym("GPS") and is_acronym("GPT-4") and not is_acronym("A")
    assert not is_acronym("WireGuard")
    assert spells_out("CRP", "the C-reactive protein level")
    assert spells_out("GPS", "a Global Positioning System receiver")
    assert not spells_out("GPS", "its global position")  # the letters inside one word
    assert not spells_out("GPS", "GPS")  # the acronym itself is not written out
    assert spells_out("FDR", "Franklin D. Roosevelt: First Inaugural Address")
    # A small letter among capitals stands for a short word, in any language.
    assert is_acronym("UvA") and is_acronym("PhD") and not is_acronym("GitHub")
    assert spells_out("UvA", "CS50x University of Amsterdam")
    assert spells_out("MoU", "a memorandum of understanding")
    assert not spells_out("UvA", "Amsterdam University")  # not in its order


def test_a_short_form_with_digits_abbreviates_each_run_of_letters_of_a_word():
    assert shortens("w2v", "the word2vec tool") and shortens("D2V", "a Doc2Vec model")
    assert shortens("s2s", "seq2seq models")
    assert not shortens("w2v", "GloVe and fastText")
    assert not shortens("gpt-5", "GPT-4 has more parameters")  # another number
    assert not shortens("pkg", "the package")  # no digit: too many words would hold it


def test_spoken_question_words_are_no_content_words():
    spoken, written = "这门学问叫啥？", "这门学问叫什么？"
    assert content_words(spoken) == content_words(written)
    assert "为啥" not in content_words("为啥词表大的时候 softmax 很慢？")
    # Asked as "A not A", and with 几 and what it counts.
    assert content_words("带娃去探索馆要不要买票") == ["带娃", "探索", "馆", "买票"]
    assert content_words("需不需要预约？去没去过？") == ["预约"]
    assert content_words("乒乓球一局打几分") == ["乒乓球", "一局", "打"]
    assert content_words("几乎") == ["几乎"] and content_words("几率") == ["几率"]
    assert content_words("大虾要焖几分钟") == ["大虾", "焖"]
    # Asked for a measure: a text gives it without the word, as it does for 多大.
    assert content_words("How big was the recess?") == ["recess"]
    assert content_words("How old is the castle?") == ["castle"]
    assert content_words("Is the castle old?") == ["castle", "old"]


def test_a_questions_frame_its_now_and_small_counts_are_no_content_words():
    assert content_words("What happened to the four households currently living there?") == [
        "households",
        "living",
    ]
    assert content_words("一般要腌多长时间？标点该用全角吗？") == ["一般", "腌", "标点", "全角"]


def test_words_pointing_at_what_a_question_is_about_are_no_content_words():
    assert content_words("这部规定从什么时候开始施行？") == ["规定", "施行"]
    assert content_words("那位女子为什么会成为话题？") == ["女子", "成为", "话题"]
    assert content_words("他的本名是什么？") == ["本名"]  # a name, not 本 and a measure word


def test_contractions_are_no_content_words_however_typed():
    typed = ["how do i lock it so i dont bump it", "how do I lock it so I don’t bump it"]
    assert [content_words(question) for question in typed] == [["lock", "bump"]] * 2
    assert content_words("whats wrong, it cant heat") == ["wrong", "heat"]
    assert content_words("I feel ill, the shell is wet") == ["feel", "ill", "shell", "wet"]
    assert content_words("What happens to someone who spams?") == ["spams"]
    assert content_words(
        "According to the rules, may I post another member's address anywhere?"
    ) == [
        "rules",
        "post",
        "member",
        "address",
    ]
    assert content_words("巨人一共有几棵桃树？至少几棵？") == ["巨人", "桃树"]


def test_asking_which_or_for_a_name_is_no_content_word():
    assert content_words("邮票是照着哪座土楼设计的？") == ["邮票", "照着", "土楼", "设计"]
    assert content_words("社长罢免后由谁来代理？") == ["社长", "罢免", "代理"]
    assert content_words("哪吒的父亲是谁？") == ["哪吒", "父亲"]  # a name
    assert content_words("第一个布袋戏团叫什么名字？") == content_words(
        "第一个布袋戏团的名字是什么？"
    )
    assert "名字" not in content_words("秀才叫什麼名字？")


def test_an_acronym_of_two_letters_is_a_content_word_and_no_other_short_word():
    assert content_words("How does the EU regulate AI?") == ["eu", "regulate", "ai"]
    assert content_words("Is X bigger than an ox?") == ["bigger"]  # 'x', 'ox': too short
    assert content_words("WHAT IS IT?") == []  # stop-words in capitals too
    assert content_words("Is it OK to post at 3 PM?") == ["post"]


def test_what_a_question_asking_how_many_counts():
    assert counted_word("How much krumkake batter goes on the iron?") == "krumkake"
    assert counted_word("How many grams of samples did Chang'e 6 bring back?") == "grams"
    assert counted_word("每天应该喝多少毫升水才有利于长寿？") == "毫升"
    assert counted_word("每年有几天带薪年休假？") == "带薪"  # 几天: what the days are of
    assert counted_word("每年有幾天帶薪年休假？") == "带薪"
    assert counted_word("试用期工资最少能给多少？") is None
    assert counted_word("How many pending connects get queued?") == "connects"
    assert counted_word("How many Gutenberg Bibles survive today?") == "bibles"
    assert counted_word("几乎所有人都知道吗？") is None and counted_word("What is BM25?") is None
    # Not the measure word: what it measures, which jieba's dictionary may glue it to (个字符).
    assert counted_word("公司有多少名员工？") == "员工"
    assert counted_word("一个哈希值由多少个字符组成？") == "字符"
    assert "字符" in content_words("一个哈希值由多少个字符组成？")
    assert counted_word("这栋楼有多少层？") == "层"  # all it counts
    # A unit with what jieba glues after it (多少天内: 天内), which the text writes as 30日内.
    question = "取得证明后，最迟多少天内要去办理养犬登记？"
    assert counted_word(question) == asked_unit(question) == "天"
    assert writes_amount_of("天", "自取得证明之日起30日内，到公安机关登记")
    # Nothing named: 多少 is followed by an adverb or an adjective.
    assert counted_word("社團的物品價值超過多少就一定要列入產物清冊？") is None
    assert counted_word("夯土楼用的泥土，含水量控制在多少最合适？") is None


def test_amounts_are_found_as_texts_write_their_units():
    assert writes_amount_of("kilometres", "全长6300千米") and writes_amount_of("公里", "6,300 km")
    assert writes_amount_of("grams", "1,731 g of samples")
    assert not writes_amount_of("grams", "1731 games") and not writes_amount_of("毫升", "喝水")
    assert writes_amount_of("钱", "支付价款三倍的赔偿") and writes_amount_of(
        "钱", "工资的百分之八十"
    )
    assert not writes_amount_of("参数", "1亿参数")  # no unit
    # A unit written out, a currency before the sum or in the text's own language.
    assert writes_amount_of("hours", "It takes 2 hours.") and writes_amount_of("小时", "两个小时")
    assert writes_amount_of("钱", "$60/year") and writes_amount_of("钱", "a loan of 800 guilders")
    # A number after a word for a sum is one, in Chinese texts that leave out the currency; not
    # a count of instalments.
    assert writes_amount_of("钱", "社費...最高金額不得超過三百")
    assert writes_amount_of("钱", "票价：50")
    assert not writes_amount_of("钱", "费用分三期支付")
    assert not writes_amount_of("钱", "It was founded in 1964.")
    assert not writes_amount_of("钱", "发掘出1000多块栏板") and writes_amount_of("钱", "5块钱")
    assert not writes_amount_of("分钟", "这十分重要")
    assert not writes_amount_of("天", "如周六日工作") and not writes_amount_of("时长", "星期六日")
    assert writes_amount_of("天", "每周五天") and writes_amount_of("天", "每周5天")
    assert writes_amount_of("岁", "自己 14 歲入行") and writes_amount_of("years", "three decades")
    # A year says when, not how long.
    assert writes_amount_of("时长", "舖頭 2017 年續租 3 年")
    assert writes_amount_of("时长", "自收到投诉之日起七个工作日内") and writes_amount_of(
        "days", "within 5 business days"
    )
    assert not writes_amount_of("时长", "那年正是1964年")
    assert not writes_amount_of("年", "一九五四年")
    # Old copper coins; not salmon (三文鱼).
    assert writes_amount_of("钱", "白纸石印的一厚本，价五百文正。")
    assert not writes_amount_of("钱", "买了三文鱼")
    # A size in memory: how much memory a value takes is answered in bytes.
    assert asked_unit("How much memory does each Rust char take?") == "memory"
    assert writes_amount_of("memory", "Rust's char type is four bytes in size")
    assert writes_amount_of("内存", "至少需要 512MB 内存") and not writes_amount_of("memory", "RAM")


def test_a_question_asking_for_a_share_wants_one_written():
    for question, unit in (
        ("新增的方舟JS运行时比原来的JS引擎性能提升了百分之多少？", "比例"),
        ("通過 -mm 樹進入主線的補丁大約佔多少比例？", "比例"),
        ("What percentage of the population must be immune?", "share"),
        ("What proportion of patches goes through -mm?", "share"),
    ):
        assert asked_unit(question) == unit, question
    assert asked_unit("TiUP 占多少磁盘空间？") is None  # a size, not a share
    for said in (
        "在典型的開發周期中，大約5-10%的補丁通過-mm 進入主線。",
        "工资的百分之八十",
        "约三成的人",
        "出席人數須達全社社員五分之一",
        "one in five patients",
        "mix salt and meat at 1:50",
        "a third of the votes",
    ):
        assert writes_amount_of("share", said), said
    for said in ("新增方舟JS编译工具链和运行时", "一成不变", "买了二成品", "It rose in 1998."):
        assert not writes_amount_of("比例", said), said
    assert writes_amount_of("字节", "每个 char 占 4 个字节")
    # How much memory is no unit: 'memory' is translated as the dictionary says, not as 字节.
    assert unit_names("memory") == () and unit_names("bytes") == ("字节",)


def test_a_unit_is_named_in_the_other_language():
    assert unit_names("years") == ("年",) and unit_names("Kilograms") == ("千克", "公斤")
    assert unit_names("公里") == ("kilometre", "kilometres", "kilometer", "kilometers")
    assert unit_names("time") == unit_names("bridge") == unit_names("") == ()


def test_the_unit_a_question_asks_an_amount_in():
    assert asked_unit("1950年代赵州桥大修一共花了多少钱") == "钱"
    assert asked_unit("How many hours a week do nurses work?") == "hours"
    assert asked_unit("发仔叔几岁开始入行？") == "岁" and asked_unit("这座桥修了多少年？") == "年"
    assert asked_unit("How many Gutenberg Bibles survive today?") is None  # no unit
    assert asked_unit("What does the ferry cost?") is None  # no amount asked
    # A price asked.
    assert asked_unit("触觉穹顶的票价是多少") == asked_unit("附近停车一小时收费多少") == "钱"
    assert asked_unit("How much does an annual membership cost?") == "money"
    assert asked_unit("How much does the bridge weigh?") is None
    assert asked_unit("What was the price of the magic toy sword?") == "money"
    assert asked_unit("What is the entrance fee?") == "money"
    assert asked_unit("What is the cost function of an SVM?") is None  # no price
    # A wage, written as the money it is: "给我二十块钱一个月".
    assert asked_unit("陈老先生每月给他多少报酬？") == "报酬"
    assert writes_amount_of("报酬", "给我二十块钱一个月") and unit_names("报酬")[0] == "money"
    # Old English money, written out: "Half a crown to seven and sixpence".
    assert writes_amount_of("money", "Half a crown to seven and sixpence, according to size.")
    assert writes_amount_of("money", "two guineas") and not writes_amount_of("money", "A Sword.")
    assert asked_unit("InfiniCLOUD 免费给多少 G 空间") is None  # free, no price
    assert asked_unit("旅行社需要缴纳多少旅游质量保证金？") == asked_unit("会被罚款多少？") == "钱"
    # In traditional characters as in simplified ones; Taiwan's metric names.
    assert asked_unit("學生助教每個月的工讀助學金是多少錢？") == "钱"
    assert asked_unit("韓國將棋正式比賽每方限時多少分鐘？") == "分钟"
    assert asked_unit("服務學習課缺曠課超過幾小時就會不及格？") == "小时"
    assert asked_unit("棋子直徑大概幾公分？") == "公分" and writes_amount_of("公分", "直径 3 cm")
    assert writes_amount_of("天", "於活動五個工作天前提出申請")
    assert writes_amount_of("centimetres", "直徑約3公分") and writes_amount_of("长度", "高2公尺")
    # A phone number asked, and written in any grouping; not a year.
    assert asked_unit("grand park accessibility phone number") == "phone number"
    assert asked_unit("失物招领电话多少") == asked_unit("投诉电话是多少？") == "电话号码"
    assert asked_unit("120 的电话录音要保存多久") == "时长"
    assert asked_unit("How far ahead of baking should I prepare the dough?") == "time"
    assert asked_unit("How far is the station?") == "length"
    assert writes_amount_of("time", "For the half of a century no mortal has disturbed them.")
    assert writes_amount_of("年", "延续了两个世纪") and not writes_amount_of("时长", "19世纪")
    for number in ("213-972-8080", "415.528.4893", "(608) 264-9500", "请拨打12315", "call 911"):
        assert writes_amount_of("phone number", number), number
    assert not writes_amount_of("电话号码", "1883年") and not writes_amount_of(
        "phone number", "v5.1.0"
    )
    # An email address asked, and written; not one a question names in passing.
    assert asked_unit("What email address should I use to report it?") == "email address"
    assert asked_unit("举报应该发到哪个邮箱？") == asked_unit("邮箱是什么？") == "邮箱地址"
    for named in (
        "Which two environment variables tell the tools your name and email address?",
        "Is it OK to post another member's email address?",
        "How do I send an email notification when a file changes?",
    ):
        assert asked_unit(named) is None, named
    assert writes_amount_of("email address", "Write to secretary@coscup.org with questions.")
    assert not writes_amount_of("邮箱地址", "请写信给行政组。")
    # A version asked, and written as one; not version control, a release candidate, a verb.
    assert asked_unit("In which SQLite version was JSON5 input first accepted?") == "version"
    assert asked_unit("Which Python feature release triggered the election?") == "version"
    assert asked_unit("标准系统新增支持了哪个 Linux 内核版本？") == "版本"
    assert asked_unit("自己编译 TiDB 的话，Go 语言需要什么版本？") == "版本"
    for other in (
        "Linux 社区为什么要自己开发一套版本控制系统？",
        "新版本是什么时候发布的？",
        "What chip did Apple release in 2020?",
        "What is a release candidate?",
        "Which Windows versions will a new feature release support?",
    ):
        assert asked_unit(other) is None, other
    for version in ("3.45.0", "v7.0.0", "version 2", "第 2 版", "Python 3", "LTS Release 2"):
        assert writes_amount_of("version", version), version
    assert not writes_amount_of("版本", "每个版本都有新特性") and not writes_amount_of(
        "version", "in 1858 two farmers"
    )
    # A street or a postal address asked, and written; not an IP address, nor which road.
    assert asked_unit("On which London street was the magic shop?") == "street"
    assert asked_unit("Della 和 Jim 住在哪条街上？") == asked_unit("详细地址是什么？") == "街道"
    for other in ("What IP address should the router have?", "Which road leads to Zennor?"):
        assert asked_unit(other) is None, other
    for street in ("It was in Regent Street.", "7801 Folsom Boulevard", "北京市东长安街14号"):
        assert writes_amount_of("street", street), street
    assert not writes_amount_of("street", "The street was empty.")
    assert not writes_amount_of("街道", "以及街道办事处，负责对街面流动售犬的查处")
    # A temperature asked, and written with its unit; not a parameter called a temperature.
    assert asked_unit("What temperature should the iron be heated to?") == "temperature"
    assert asked_unit("面团发酵时最好保持多少度？") == asked_unit("冷冻要几度") == "温度"
    assert asked_unit("烤箱温度是多少") == "温度" and unit_names("temperature") == ("温度",)
    assert asked_unit("SimCSE 的温度参数取多少？") is None
    assert writes_amount_of("temperature", "defaults to 320C")
    assert writes_amount_of("温度", "八十摄氏度")
    assert writes_amount_of("温度", "20～25℃") and writes_amount_of("温度", "24 to 27 degrees")
    assert not writes_amount_of("temperature", "Bake for 1 hour.")
    assert not writes_amount_of("钱", "3 岁及以下儿童免费入场")  # no price of an adult's ticket
    assert asked_unit("发仔叔当年在日本教了多久点心") == "时长"
    assert asked_unit("How long did the repair take?") == "time"
    assert asked_unit("贺家墺离鲁镇有多远？") == "长度"
    assert asked_unit("How deep is it?") == "length"
    assert writes_amount_of("length", "in depth about four feet")
    assert writes_amount_of("长度", "全长6300余公里") and not writes_amount_of("长度", "不远")
    assert asked_unit("How long is the bridge?") is None  # a length, in any unit
    assert asked_unit("How long is the break between games?") == "time"  # what lasts
    assert asked_unit("how long are the lunch breaks") == "time"
    assert asked_unit("How long is a half?") == "time"
    assert asked_unit("How long is the Great Wall?") is None
    # How long a thing is kept, left or allowed for is a time too.
    question = "How long are build files for old Visual Studio releases kept in the source tree?"
    assert asked_unit(question) == "time" and asked_unit("How long is the warranty valid?")
    assert asked_unit("How long is the bridge that is open to cars?") is None
    assert asked_unit("硅谷银行为什么会在几天之内倒闭？") is None  # asks why
    assert asked_unit("主镜由多少块镜片组成？") is None  # 块 of pieces, not of money


def test_a_sentence_saying_its_document_leaves_a_matter_out():
    assert leaves_out("浮点数和字符串的哈希值计算较为复杂，有兴趣的读者请自行学习。")
    assert leaves_out("Tuning the kernel is beyond the scope of this guide.")
    assert leaves_out("本文不再赘述。") and leaves_out("Signals are not covered here.")
    assert not leaves_out("The scope of the project covers both kernels.")
    assert not leaves_out("他骑自行车上学。") and not leaves_out("We will cover signals next.")
