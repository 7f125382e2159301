"""Classic word vectors: Word2Vec / FastText training, evaluation, storage and figures."""
