"""Text insight for Servicedialog: the problem-area classifier, its evaluation, topic
discovery, count alerts and review selection.

A pure package: scikit-learn, numpy, scipy and skops only, no web framework or ORM, so it
can be trained, evaluated and benchmarked on its own (``python -m insight.cli``)."""
