"""The lanes of the hybrid, one file each: every lane answers ``search(query, depth, selection)``
with a named ``Run`` of {passage row: score}. Fusion and ranking are separate steps (``index/fusion.py``,
``index/ranker.py``).

| lane        | file          | what it scores                                                    |
|-------------|---------------|-------------------------------------------------------------------|
| dense       | dense.py      | e5 vectors of the passages (engine table ``passages``)            |
| sentence    | sentence.py   | e5 vectors of each sentence of multi-sentence passages (best one) |
| bm25        | bm25.py       | BM25 over the Chinese text: tokens, synonyms, glossary terms and  |
|             |               | learned translations of English words, weighted                   |
| bm25_en     | bm25.py       | BM25 over the English parallel text (English questions)           |
| bm25_chars  | bm25.py       | BM25 over character bigrams of the Chinese text (Chinese questions)|
| symbol      | symbol.py     | passages that are, or cite, a UN document the question names      |
| structure   | structure.py  | sub-programme / paragraph / kind / responsibility references      |
"""
