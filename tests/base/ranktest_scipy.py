# SPDX-License-Identifier: MIT
"""The expected values of tst_ranktest's agreesWithScipy rows, from scipy (Debian 12's python3-scipy 1.10.1):
exact for samples of at most 25 without ties, else the asymptotic method with tie and continuity corrections,
which is what Kodemon's mannWhitneyU does. Run it by hand (`python3 tests/base/ranktest_scipy.py`) after changing
the rows; it prints each row's U and two-sided p-value with 17 significant digits."""

from scipy.stats import mannwhitneyu

ROWS = {
    "exact small no ties": ([1.5, 2.5, 3.5, 8.0, 9.0], [4.0, 5.0, 6.0, 7.0, 10.0, 11.0]),
    "exact separated": ([float(i) for i in range(1, 9)], [float(i) for i in range(9, 17)]),
    "exact interleaved 25x25": ([i + 0.5 for i in range(0, 50, 2)], [float(i) for i in range(1, 50, 2)]),
    "exact unequal 3x20": ([100.0, 101.0, 102.0], [float(i) for i in range(20)]),
    "asymptotic ties": ([1, 1, 2, 2, 3, 3, 3, 4, 5, 5], [2, 3, 3, 4, 4, 5, 5, 6, 6, 7]),
    "asymptotic 30x30 shifted": ([float(i) for i in range(30)], [i + 7.5 for i in range(30)]),
    "asymptotic one tie big": ([float(i) for i in range(40)], [i + 0.25 for i in range(39)] + [0.0]),
}

for name, (first, second) in ROWS.items():
    ties = len(set(first + second)) < len(first) + len(second)
    method = "exact" if not ties and len(first) <= 25 and len(second) <= 25 else "asymptotic"
    result = mannwhitneyu(first, second, alternative="two-sided", use_continuity=True, method=method)
    print("%-26s U=%r p=%.17g %s" % (name, result.statistic, result.pvalue, method))
