// SPDX-License-Identifier: MIT
// The rules file: every form a person may write, every mistake refused with its line and reason, and edits
// from the window that change only the edited rule's lines.
#include "alerts/rulesfile.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace Kodemon;

class tst_RulesFile : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void readsACompleteFile();
    void conditions_data();
    void conditions();
    void refusesMistakesNamingTheLine_data();
    void refusesMistakesNamingTheLine();
    void anUnknownFunctionIsAllowed();
    void fieldsRoundTrip_data();
    void fieldsRoundTrip();
    void editingKeepsCommentsAndOtherRules();
    void editingRewritesOnlyChangedLines();
    void addingAndDeleting();
    void muting();
    void renamingToATakenNameIsRefused();
    void missingFileIsEmptyAndSavingCreatesIt();
    void crlfAndBlankLines();
    void theReadmeExampleIsValid();
};

namespace {

const QString Example = QStringLiteral(R"(# Kodemon alert rules
interval = 5s
webhook = https://hooks.slack.com/services/T000/B000/XXXX
link = http://kodemon.example.org:4000/

# Checkout must stay fast for gold customers.
[checkout is slow]
function = /srv/shop/views.py-checkout
token = shop
tag = tier:gold
when = p95 > 25 ms
window = 5m
for = 30s
keep_firing_for = 1m

[api went quiet]
functions = /srv/api/*
when = no calls
window = 1m

[errors]
function = /srv/shop/views.py-pay
when = error rate > 10%
outcome = all
command = notify-send Kodemon "$KODEMON_ALERT_TEXT"
muted = yes

[slower than last week]
function = /srv/shop/views.py-checkout
when = p95 30% above baseline
baseline = -1w
window = 1h
description = the same hour last week
)");

} // namespace

void tst_RulesFile::readsACompleteFile()
{
    const auto document = RulesDocument::parse(Example);
    QVERIFY2(document.ok(), qPrintable(document.ok() ? QString() : document.error()));
    const AlertRules& rules = document->rules();
    QCOMPARE(rules.settings.interval, 5.0);
    QCOMPARE(rules.settings.webhook, QStringLiteral("https://hooks.slack.com/services/T000/B000/XXXX"));
    QCOMPARE(rules.settings.link, QStringLiteral("http://kodemon.example.org:4000/"));
    QCOMPARE(rules.rules.size(), 4);

    const AlertRule& slow = rules.rules[0];
    QCOMPARE(slow.name, QStringLiteral("checkout is slow"));
    QCOMPARE(slow.line, 7);
    QCOMPARE(slow.function, QStringLiteral("/srv/shop/views.py-checkout"));
    QVERIFY(!slow.pattern);
    QCOMPARE(slow.token, QStringLiteral("shop"));
    QCOMPARE(slow.tags.size(), 1);
    QCOMPARE(slow.tags[0].name, QStringLiteral("tier"));
    QCOMPARE(slow.condition.statistic, AlertStatistic::P95);
    QCOMPARE(slow.condition.op, AlertOperator::Above);
    QCOMPARE(slow.condition.threshold, 25.0);
    QCOMPARE(slow.window, 300.0);
    QCOMPARE(slow.forSeconds, 30.0);
    QCOMPARE(slow.keepFiringFor, 60.0);

    const AlertRule& quiet = rules.rules[1];
    QVERIFY(quiet.pattern);
    QVERIFY(quiet.matchesKey(QStringLiteral("/srv/api/v2/users.py-list")));
    QVERIFY(!quiet.matchesKey(QStringLiteral("/srv/shop/views.py-checkout")));
    QCOMPARE(quiet.condition.statistic, AlertStatistic::NoCalls);
    QCOMPARE(quiet.window, 60.0);

    const AlertRule& errors = rules.rules[2];
    QCOMPARE(errors.condition.statistic, AlertStatistic::ErrorRate);
    QCOMPARE(errors.condition.threshold, 10.0);
    QVERIFY(errors.muted);
    QCOMPARE(errors.command, QStringLiteral("notify-send Kodemon \"$KODEMON_ALERT_TEXT\""));

    const AlertRule& baseline = rules.rules[3];
    QVERIFY(baseline.condition.isRelative());
    QCOMPARE(baseline.condition.percent, 30.0);
    QCOMPARE(baseline.condition.baseline->kind, BaselineSpec::Kind::Offset);
    QCOMPARE(baseline.condition.baseline->offset, 604800.0);
    QCOMPARE(baseline.description, QStringLiteral("the same hour last week"));
    QCOMPARE(document->text(), Example);
}

void tst_RulesFile::conditions_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("statistic");
    QTest::addColumn<int>("op");
    QTest::addColumn<double>("threshold");
    QTest::addColumn<QString>("written"); // conditionText() of the result
    const auto row = [](const char* name, const char* text, AlertStatistic s, AlertOperator o, double t, const char* w) {
        QTest::newRow(name) << QString::fromUtf8(text) << int(s) << int(o) << t << QString::fromUtf8(w);
    };
    row("p95 ms", "p95 > 25 ms", AlertStatistic::P95, AlertOperator::Above, 25, "p95 > 25 ms");
    row("no space", "p99>0.5ms", AlertStatistic::P99, AlertOperator::Above, 0.5, "p99 > 0.5 ms");
    row("seconds", "max >= 2 s", AlertStatistic::Max, AlertOperator::AtLeast, 2000, "max >= 2000 ms");
    row("no unit is ms", "mean < 3", AlertStatistic::Mean, AlertOperator::Below, 3, "mean < 3 ms");
    row("median", "Median <= 10 ms", AlertStatistic::P50, AlertOperator::AtMost, 10, "p50 <= 10 ms");
    row("p90", "p90 > 1 ms", AlertStatistic::P90, AlertOperator::Above, 1, "p90 > 1 ms");
    row("error rate", "error rate > 10%", AlertStatistic::ErrorRate, AlertOperator::Above, 10, "error rate > 10%");
    row("error rate spaced", "error  rate >= 2.5 %", AlertStatistic::ErrorRate, AlertOperator::AtLeast, 2.5,
        "error rate >= 2.5%");
    row("calls per minute", "calls per minute < 10", AlertStatistic::CallsPerMinute, AlertOperator::Below, 10,
        "calls per minute < 10");
    row("calls/min", "calls/min > 600", AlertStatistic::CallsPerMinute, AlertOperator::Above, 600,
        "calls per minute > 600");
    row("no calls", "No Calls", AlertStatistic::NoCalls, AlertOperator::Above, 0, "no calls");
    row("relative above", "p95 30% above baseline", AlertStatistic::P95, AlertOperator::Above, 0,
        "p95 30% above baseline");
    row("relative below", "calls per minute 50 % below baseline", AlertStatistic::CallsPerMinute, AlertOperator::Below,
        0, "calls per minute 50% below baseline");
    // Written in digits the file reads back, never as 1e-05 or 4e+52 (fuzz_rulesfile), and with every digit.
    row("tiny threshold", "p95 > 0.00001 ms", AlertStatistic::P95, AlertOperator::Above, 0.00001, "p95 > 0.00001 ms");
    row("many digits", "p95 > 25.1234567890123 ms", AlertStatistic::P95, AlertOperator::Above, 25.1234567890123,
        "p95 > 25.1234567890123 ms");
    row("huge percentage", "p95 40000000000000000000000000000000000000000000000000000% above baseline",
        AlertStatistic::P95, AlertOperator::Above, 0,
        "p95 40000000000000000000000000000000000000000000000000000% above baseline");
}

void tst_RulesFile::conditions()
{
    QFETCH(QString, text);
    QFETCH(int, statistic);
    QFETCH(int, op);
    QFETCH(double, threshold);
    QFETCH(QString, written);
    const auto condition = parseCondition(text);
    QVERIFY2(condition.ok(), qPrintable(condition.ok() ? QString() : condition.error()));
    QCOMPARE(int(condition->statistic), statistic);
    if (condition->statistic != AlertStatistic::NoCalls)
        QCOMPARE(int(condition->op), op);
    if (!condition->isRelative())
        QCOMPARE(condition->threshold, threshold);
    QCOMPARE(conditionText(*condition), written);
    QCOMPARE(conditionText(*parseCondition(written)), written); // what is written reads back the same
}

void tst_RulesFile::refusesMistakesNamingTheLine_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected"); // the start of the error
    QTest::addColumn<QString>("reason"); // a part of it that says what to do
    const QString head = QStringLiteral("[r]\nfunction = f\n");
    QTest::newRow("not a line") << QStringLiteral("interval = 5s\nthis is not a setting\n") << "line 2: "
                                << "name = value";
    QTest::newRow("unclosed bracket") << QStringLiteral("# c\n[checkout\nfunction = f\n") << "line 2: "
                                      << "brackets";
    QTest::newRow("empty name") << QStringLiteral("[ ]\nfunction = f\nwhen = no calls\n") << "line 1: " << "name";
    // The editor cannot write such a name back (fuzz_rulesfile found "[checkout is slo]]", 2026-12-07).
    QTest::newRow("bracket in a name") << QStringLiteral("# c\n[checkout is slo]]\nfunction = f\nwhen = no calls\n")
                                       << "line 2: " << "cannot hold brackets";
    QTest::newRow("bracket opening a name") << QStringLiteral("[[r]\nfunction = f\nwhen = no calls\n") << "line 1: "
                                            << "cannot hold brackets";
    QTest::newRow("unknown field") << head + QStringLiteral("when = p95 > 1 ms\nwindw = 5m\n") << "line 4: "
                                   << "unknown field \"windw\"";
    QTest::newRow("unknown setting") << QStringLiteral("intervall = 5s\n") << "line 1: " << "unknown setting";
    QTest::newRow("bad duration") << head + QStringLiteral("when = p95 > 1 ms\nwindow = five minutes\n") << "line 4: "
                                  << "a duration like 30s";
    QTest::newRow("window under a second") << head + QStringLiteral("when = p95 > 1 ms\nwindow = 500ms\n")
                                           << "line 4: " << "at least 1s";
    QTest::newRow("negative for") << head + QStringLiteral("when = p95 > 1 ms\nfor = -5s\n") << "line 4: "
                                  << "a duration";
    QTest::newRow("bad statistic") << head + QStringLiteral("when = p97 > 1 ms\n") << "line 3: " << "not a statistic";
    QTest::newRow("no comparison") << head + QStringLiteral("when = p95 is high\n") << "line 3: "
                                   << "a statistic, a comparison and a threshold";
    QTest::newRow("percent on a time") << head + QStringLiteral("when = p95 > 25%\n") << "line 3: " << "ms or s";
    QTest::newRow("error rate without %") << head + QStringLiteral("when = error rate > 0.1\n") << "line 3: "
                                          << "in percent";
    QTest::newRow("error rate over 100") << head + QStringLiteral("when = error rate > 150%\n") << "line 3: "
                                         << "at most 100%";
    QTest::newRow("unit on calls per minute") << head + QStringLiteral("when = calls per minute < 10 ms\n")
                                              << "line 3: " << "plain number";
    QTest::newRow("no calls with threshold") << head + QStringLiteral("when = no calls > 5\n") << "line 3: "
                                             << "stands alone";
    QTest::newRow("no when") << head + QStringLiteral("window = 5m\n") << "line 1: " << "no condition";
    QTest::newRow("no function") << QStringLiteral("[r]\nwhen = no calls\n") << "line 1: " << "no function";
    QTest::newRow("both function and functions")
        << head + QStringLiteral("functions = /a/*\nwhen = no calls\n") << "line 3: " << "both function and functions";
    QTest::newRow("twice") << head + QStringLiteral("when = no calls\nwhen = p95 > 2 ms\n") << "line 4: "
                           << "set twice in rule \"r\" (first on line 3)";
    QTest::newRow("duplicate rule") << QStringLiteral("[r]\nfunction = f\nwhen = no calls\n\n[r]\nfunction = g\n")
                                    << "line 5: " << "already a rule called \"r\" (line 1)";
    QTest::newRow("baseline without relative") << head + QStringLiteral("when = p95 > 1 ms\nbaseline = -1w\n")
                                               << "line 4: " << "compares with it";
    QTest::newRow("relative without baseline") << head + QStringLiteral("when = p95 30% above baseline\n") << "line 1: "
                                               << "baseline = -1w";
    QTest::newRow("bad baseline") << head + QStringLiteral("when = p95 30% above baseline\nbaseline = yesterday\n")
                                  << "line 4: " << "previous";
    QTest::newRow("below 100%") << head + QStringLiteral("when = p95 100% below baseline\nbaseline = -1d\n")
                                << "line 3: " << "below 100";
    QTest::newRow("bad tag") << head + QStringLiteral("when = no calls\ntag = :x\n") << "line 4: " << "tag \":x\"";
    QTest::newRow("bad outcome") << head + QStringLiteral("when = no calls\noutcome = broken\n") << "line 4: "
                                 << "all, succeeded or failed";
    QTest::newRow("bad webhook") << head + QStringLiteral("when = no calls\nwebhook = ftp://x/\n") << "line 4: "
                                 << "http:// or https://";
    QTest::newRow("bad global webhook") << QStringLiteral("webhook = hooks.slack.com\n") << "line 1: "
                                        << "http:// or https://";
    QTest::newRow("bad muted") << head + QStringLiteral("when = no calls\nmuted = maybe\n") << "line 4: "
                               << "yes or no";
    QTest::newRow("empty token") << head + QStringLiteral("when = no calls\ntoken =\n") << "line 4: " << "token";
    QTest::newRow("empty command") << head + QStringLiteral("when = no calls\ncommand =\n") << "line 4: "
                                   << "a command line";
    QTest::newRow("interval too short") << QStringLiteral("interval = 10ms\n") << "line 1: " << "at least";
    QTest::newRow("interval twice") << QStringLiteral("interval = 1s\ninterval = 2s\n") << "line 2: " << "twice";
    QTest::newRow("setting after a rule is the rule's")
        << head + QStringLiteral("when = no calls\ninterval = 5s\n") << "line 4: " << "unknown field \"interval\"";
}

void tst_RulesFile::refusesMistakesNamingTheLine()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    QFETCH(QString, reason);
    const auto document = RulesDocument::parse(text);
    QVERIFY(!document.ok());
    QVERIFY2(document.error().startsWith(expected), qPrintable(document.error()));
    QVERIFY2(document.error().contains(reason), qPrintable(document.error()));
    QCOMPARE(document.errorKind(), ErrorKind::Invalid);
}

void tst_RulesFile::anUnknownFunctionIsAllowed()
{
    const auto document = RulesDocument::parse(
        QStringLiteral("[later]\nfunction = /srv/not/yet/deployed.py-handler\nwhen = p95 > 100 ms\n"));
    QVERIFY(document.ok());
    QCOMPARE(document->rules().rules.constFirst().function, QStringLiteral("/srv/not/yet/deployed.py-handler"));
}

void tst_RulesFile::fieldsRoundTrip_data()
{
    QTest::addColumn<int>("index");
    for (int i = 0; i < 4; ++i)
        QTest::newRow(qPrintable(QStringLiteral("rule %1").arg(i))) << i;
}

void tst_RulesFile::fieldsRoundTrip()
{
    QFETCH(int, index);
    const AlertRule rule = RulesDocument::parse(Example)->rules().rules[index];
    const auto again = ruleFromFields(rule.name, ruleFields(rule));
    QVERIFY2(again.ok(), qPrintable(again.ok() ? QString() : again.error()));
    QCOMPARE(ruleFields(*again), ruleFields(rule));
}

void tst_RulesFile::editingKeepsCommentsAndOtherRules()
{
    const auto document = RulesDocument::parse(Example);
    AlertRule rule = document->rules().rules[0];
    rule.condition.threshold = 40;
    const auto edited = document->withRule(rule.name, rule);
    QVERIFY2(edited.ok(), qPrintable(edited.ok() ? QString() : edited.error()));
    QString expected = Example;
    expected.replace(QStringLiteral("when = p95 > 25 ms"), QStringLiteral("when = p95 > 40 ms"));
    QCOMPARE(edited->text(), expected);
    QCOMPARE(edited->rules().rules[0].condition.threshold, 40.0);
}

void tst_RulesFile::editingRewritesOnlyChangedLines()
{
    // The author's spelling ("300s", aligned names, a comment inside) stays where the meaning did not change.
    const QString text = QStringLiteral("[r]\nfunction   = f\n# why 300 s: the SLO window\nwindow     = 300s\n"
                                        "when       = p95 > 5 ms\ntag = a:1\ntag = b:2\n");
    const auto document = RulesDocument::parse(text);
    QVERIFY(document.ok());
    AlertRule rule = document->rules().rules[0];
    rule.forSeconds = 90;
    rule.tags.removeLast();
    rule.name = QStringLiteral("renamed");
    const auto edited = document->withRule(QStringLiteral("r"), rule);
    QVERIFY2(edited.ok(), qPrintable(edited.ok() ? QString() : edited.error()));
    QCOMPARE(edited->text(),
        QStringLiteral("[renamed]\nfunction   = f\n# why 300 s: the SLO window\nwindow     = 300s\n"
                       "when       = p95 > 5 ms\ntag = a:1\nfor = 90s\n"));
}

void tst_RulesFile::addingAndDeleting()
{
    auto document = RulesDocument::parse(Example);
    AlertRule rule;
    rule.name = QStringLiteral("new one");
    rule.function = QStringLiteral("/srv/x.py-y");
    rule.condition = *parseCondition(QStringLiteral("max > 1 s"));
    auto added = document->withRule(QString(), rule);
    QVERIFY2(added.ok(), qPrintable(added.ok() ? QString() : added.error()));
    QCOMPARE(added->rules().rules.size(), 5);
    QVERIFY(added->text().startsWith(Example));
    QVERIFY(added->text().endsWith(QStringLiteral("\n[new one]\nfunction = /srv/x.py-y\nwhen = max > 1000 ms\nwindow = 5m\n")));

    // Deleting the first rule takes its comment with it and leaves the rest as it was.
    const auto deleted = document->withoutRule(QStringLiteral("checkout is slow"));
    QVERIFY(deleted.ok());
    QCOMPARE(deleted->rules().rules.size(), 3);
    QVERIFY(!deleted->text().contains(QStringLiteral("Checkout must stay fast")));
    QVERIFY(deleted->text().startsWith(
        QStringLiteral("# Kodemon alert rules\ninterval = 5s\nwebhook = https://hooks.slack.com/services/T000/B000/XXXX\n"
                       "link = http://kodemon.example.org:4000/\n\n[api went quiet]\n")));
    QCOMPARE(deleted->withoutRule(QStringLiteral("checkout is slow")).errorKind(), ErrorKind::NotFound);

    // An empty document gets a header comment with its first rule.
    const auto first = RulesDocument().withRule(QString(), rule);
    QVERIFY(first.ok());
    QVERIFY(first->text().startsWith(u'#'));
    QCOMPARE(first->rules().rules.size(), 1);
}

void tst_RulesFile::muting()
{
    const auto document = RulesDocument::parse(Example);
    const auto muted = document->withMuted(QStringLiteral("checkout is slow"), true);
    QVERIFY(muted.ok());
    QVERIFY(muted->rules().rules[0].muted);
    QVERIFY(muted->text().contains(QStringLiteral("keep_firing_for = 1m\nmuted = yes\n")));
    const auto unmuted = muted->withMuted(QStringLiteral("errors"), false);
    QVERIFY(unmuted.ok());
    QVERIFY(!unmuted->rules().rules[2].muted);
    QVERIFY(!unmuted->text().contains(QStringLiteral("muted = yes\n\n[slower")));
}

void tst_RulesFile::renamingToATakenNameIsRefused()
{
    const auto document = RulesDocument::parse(Example);
    AlertRule rule = document->rules().rules[0];
    rule.name = QStringLiteral("errors");
    const auto edited = document->withRule(QStringLiteral("checkout is slow"), rule);
    QVERIFY(!edited.ok());
    QVERIFY(edited.error().contains(QStringLiteral("already a rule called \"errors\"")));
    rule.name = QStringLiteral("bad ] name");
    QVERIFY(!document->withRule(QStringLiteral("checkout is slow"), rule).ok());
}

void tst_RulesFile::missingFileIsEmptyAndSavingCreatesIt()
{
    QTemporaryDir folder;
    const QString path = folder.filePath(QStringLiteral("sub/alerts.conf"));
    const auto missing = loadRulesFile(path);
    QVERIFY(missing.ok());
    QVERIFY(missing->rules().rules.isEmpty());
    QVERIFY(saveRulesFile(path, *RulesDocument::parse(Example)).ok());
    const auto loaded = loadRulesFile(path);
    QVERIFY(loaded.ok());
    QCOMPARE(loaded->text(), Example);

    QFile broken(folder.filePath(QStringLiteral("broken.conf")));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("[a]\nfunction = f\nwhen = p95 > fast\n");
    broken.close();
    const auto refused = loadRulesFile(broken.fileName());
    QVERIFY(!refused.ok());
    QVERIFY2(refused.error().startsWith(broken.fileName() + QStringLiteral(" line 3: ")), qPrintable(refused.error()));

    QVERIFY(!loadRulesFile(folder.path()).ok()); // a folder
}

void tst_RulesFile::crlfAndBlankLines()
{
    const auto document = RulesDocument::parse(QStringLiteral("\r\n  # c\r\n[a]\r\n  function = f  \r\n\r\nwhen = no calls\r\n"));
    QVERIFY(document.ok());
    QCOMPARE(document->rules().rules.constFirst().function, QStringLiteral("f"));
    QCOMPARE(document->rules().rules.constFirst().condition.statistic, AlertStatistic::NoCalls);
    // A line ending in two carriage returns (an editor's mistake, found by fuzz_rulesfile): the text Kodemon keeps
    // reads back to itself, and an edit without a change leaves it as it was.
    const auto doubled = RulesDocument::parse(QStringLiteral("[a]\r\nfunction = f\r\r\nwhen = no calls\r\n"));
    QVERIFY(doubled.ok());
    QCOMPARE(doubled->text(), QStringLiteral("[a]\nfunction = f\nwhen = no calls\n"));
    QCOMPARE(RulesDocument::parse(doubled->text())->text(), doubled->text());
    const AlertRule& rule = doubled->rules().rules.constFirst();
    QCOMPARE(doubled->withRule(rule.name, rule)->text(), doubled->text());
}

// The README's complete example is what people copy: it must read, and mean what the README says.
void tst_RulesFile::theReadmeExampleIsValid()
{
    QFile readme(QStringLiteral(KODEMON_SOURCE_DIR "/README.md"));
    QVERIFY(readme.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(readme.readAll());
    const qsizetype start = text.indexOf(QStringLiteral("```ini\n# Kodemon alert rules"));
    QVERIFY(start >= 0);
    const qsizetype from = text.indexOf(u'\n', start) + 1;
    const QString example = text.mid(from, text.indexOf(QStringLiteral("```"), from) - from);
    const auto document = RulesDocument::parse(example);
    QVERIFY2(document.ok(), qPrintable(document.ok() ? QString() : document.error()));
    const auto& rules = document->rules();
    QCOMPARE(rules.rules.size(), 5);
    QCOMPARE(rules.settings.command, QStringLiteral("notify-send \"Kodemon\" \"$KODEMON_ALERT_TEXT\""));
    QCOMPARE(rules.rules[0].tags.size(), 1);
    QCOMPARE(rules.rules[1].condition.baseline->offset, 604800.0);
    QVERIFY(rules.rules[2].pattern);
    QCOMPARE(rules.rules[3].window, 26 * 3600.0);
    QVERIFY(rules.rules[4].muted);
}

QTEST_GUILESS_MAIN(tst_RulesFile)
#include "tst_rulesfile.moc"
