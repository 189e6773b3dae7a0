"""The tested code behind *The Basics of Machine Learning*.

Every listing a chapter shows lives in this package, and every chapter cell calls
into it. Importing the package has no side effects: it does not seed a random
generator, change matplotlib's settings or open a figure.
"""

__version__ = "0.1.0"
