"""Solutions to the chapters' exercises, one module per chapter (``chNN.py``).

The chapters show these functions in hidden drop-downs under each exercise; the tests
in ``tests/test_solutions_chNN.py`` check that each does what its exercise asks.
"""
