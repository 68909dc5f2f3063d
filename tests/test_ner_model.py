"""The shipped CoNLL NER model and the CoNLL-2003 conversion it was trained from."""

import pytest
from spacy.vocab import Vocab

import transforms.ner_model as ner_model
from training.train_ner import iob1_to_iob2, read_conll_documents, sentences_to_doc
from transforms.ner_model import load_ner_model

# Written for these tests (conflict-news style, clear entities); not from CoNLL.
SENTENCES_WITH_ENTITIES = [
    (
        "Ukrainian President Volodymyr Zelensky said troops had pushed Russian forces out of Kherson.",
        {("Volodymyr Zelensky", "PER"), ("Kherson", "LOC")},
    ),
    (
        "The United Nations said fighting near Damascus had displaced thousands of families.",
        {("United Nations", "ORG"), ("Damascus", "LOC")},
    ),
    (
        "NATO Secretary-General Jens Stoltenberg met officials in Brussels on Thursday.",
        {("NATO", "ORG"), ("Jens Stoltenberg", "PER"), ("Brussels", "LOC")},
    ),
    (
        "The Red Cross said the road between Baghdad and Mosul was closed after clashes.",
        {("Red Cross", "ORG"), ("Baghdad", "LOC"), ("Mosul", "LOC")},
    ),
    (
        "Houthi rebels seized the port city of Hodeidah, a spokesman for the coalition told Reuters.",
        {("Hodeidah", "LOC"), ("Reuters", "ORG")},
    ),
]


@pytest.fixture(scope="module")
def nlp():
    return load_ner_model()


def test_shipped_model_has_the_conll_labels(nlp):
    assert nlp.pipe_names == ["tok2vec", "ner"]
    assert set(nlp.get_pipe("ner").labels) == {"PER", "LOC", "ORG", "MISC"}


@pytest.mark.parametrize("text, expected", SENTENCES_WITH_ENTITIES)
def test_shipped_model_finds_people_places_and_organisations(nlp, text, expected):
    found = {(ent.text, ent.label_) for ent in nlp(text).ents}
    assert expected <= found


def test_exclude_skips_components():
    assert load_ner_model(exclude=["ner"]).pipe_names == ["tok2vec"]


def test_missing_model_names_the_rebuild_command(tmp_path, monkeypatch):
    monkeypatch.setattr(ner_model, "MODEL_DIR", tmp_path / "absent")
    with pytest.raises(FileNotFoundError, match="training.train_ner"):
        load_ner_model()


@pytest.mark.parametrize(
    "iob1, iob2",
    [
        (["I-PER", "I-PER", "O"], ["B-PER", "I-PER", "O"]),
        # B- only separates two adjacent entities of the same type.
        (["I-PER", "B-PER", "I-PER"], ["B-PER", "B-PER", "I-PER"]),
        # A change of type starts a new entity.
        (["I-ORG", "I-LOC", "O", "I-MISC"], ["B-ORG", "B-LOC", "O", "B-MISC"]),
        (["O", "O"], ["O", "O"]),
    ],
)
def test_iob1_to_iob2(iob1, iob2):
    assert iob1_to_iob2(iob1) == iob2


def test_docstart_separates_articles_wherever_it_sits():
    lines = [
        "Rebels NNS I-NP O\n",
        "left VBD I-VP O\n",
        "Homs NNP I-NP I-LOC\n",
        "\n",
        "Talks NNS I-NP O\n",
        "ended VBD I-VP O\n",
        "\n",
        "-DOCSTART- -X- O O\n",
        "\n",
        "Geneva NNP I-NP I-LOC\n",
        "\n",
        "-DOCSTART- -X- O O\n",
    ]
    documents = list(read_conll_documents(lines))
    assert documents == [
        [[("Rebels", "O"), ("left", "O"), ("Homs", "I-LOC")], [("Talks", "O"), ("ended", "O")]],
        [[("Geneva", "I-LOC")]],
    ]


def test_sentences_to_doc_keeps_sentences_and_entities():
    sentences = [
        [("Kofi", "I-PER"), ("Annan", "I-PER"), ("visited", "O"), ("Damascus", "I-LOC")],
        [("Reuters", "I-ORG"), ("reported", "O")],
    ]
    doc = sentences_to_doc(Vocab(), sentences)
    assert [(ent.text, ent.label_) for ent in doc.ents] == [
        ("Kofi Annan", "PER"),
        ("Damascus", "LOC"),
        ("Reuters", "ORG"),
    ]
    assert [sent.text for sent in doc.sents] == ["Kofi Annan visited Damascus", "Reuters reported"]
