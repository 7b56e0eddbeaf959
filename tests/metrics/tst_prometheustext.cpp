// SPDX-License-Identifier: MIT
// The Prometheus text exposition of /metrics: the histogram lines (cumulative buckets, +Inf, _sum, _count) with
// escaped labels, HELP and TYPE once per family, Kodemon's own counters, the scoped form and the size bound.
#include "metrics/prometheustext.h"

#include <QRegularExpression>
#include <QtTest>

using namespace Kodemon;

class tst_PrometheusText : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void labelValues_data();
    void labelValues();
    void histogram();
    void everyLineIsWellFormed();
    void scopedHasNoCounters();
    void sizeIsBounded();
};

namespace {

CallMetrics::Series series(const QString& key, const QString& token, std::initializer_list<double> ms)
{
    CallMetrics metrics;
    QList<Sample> calls;
    for (double value : ms) {
        Sample s;
        s.key = key;
        s.token = token;
        s.executionTime = value;
        calls.append(s);
    }
    metrics.record(calls);
    return metrics.series().constFirst();
}

bool has(const QByteArray& text, const QByteArray& part)
{
    return text.contains(part);
}

IngestSnapshot counters()
{
    IngestSnapshot c;
    c.datagrams = 10;
    c.stored = 9;
    c.kernelDrops = 3;
    c.rejected[size_t(RejectReason::NotJson)] = 1;
    ListenerStatus statsd;
    statsd.protocol = QStringLiteral("statsd");
    statsd.unit = QStringLiteral("datagrams");
    statsd.state = ListenerStatus::State::Unavailable;
    statsd.kernelDrops = 0;
    statsd.groups = { CountGroup { QStringLiteral("lines"), { { QStringLiteral("timer"), 4 } } } };
    c.listeners = { statsd };
    return c;
}

} // namespace

void tst_PrometheusText::labelValues_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QByteArray>("escaped");
    QTest::newRow("plain") << QStringLiteral("/srv/app/views.py-fetch") << QByteArray("/srv/app/views.py-fetch");
    QTest::newRow("quote") << QStringLiteral("say \"hi\"") << QByteArray("say \\\"hi\\\"");
    QTest::newRow("backslash") << QStringLiteral("C:\\app") << QByteArray("C:\\\\app");
    QTest::newRow("newline") << QStringLiteral("a\nb") << QByteArray("a\\nb");
    QTest::newRow("UTF-8") << QStringLiteral("café €") << QByteArray("caf\xc3\xa9 \xe2\x82\xac");
}

void tst_PrometheusText::labelValues()
{
    QFETCH(QString, text);
    QFETCH(QByteArray, escaped);
    QCOMPARE(PrometheusText::labelValue(text), escaped);
}

void tst_PrometheusText::histogram()
{
    const QByteArray text = PrometheusText::exposition({ series(QStringLiteral("k \"q\""), QStringLiteral("t"), { 0.05, 31.9, 31.9, 90000 }) }, 0, std::nullopt);
    const QByteArray labels = R"(key="k \"q\"",token="t")";
    QVERIFY(has(text, "# TYPE kodemon_call_duration_seconds histogram\n"));
    QVERIFY(has(text, "kodemon_call_duration_seconds_bucket{" + labels + ",le=\"0.0001\"} 1\n"));
    QVERIFY(has(text, "kodemon_call_duration_seconds_bucket{" + labels + ",le=\"0.025\"} 1\n"));
    QVERIFY(has(text, "kodemon_call_duration_seconds_bucket{" + labels + ",le=\"0.05\"} 3\n"));
    QVERIFY(has(text, "kodemon_call_duration_seconds_bucket{" + labels + ",le=\"60\"} 3\n"));
    QVERIFY(has(text, "kodemon_call_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} 4\n"));
    QVERIFY(has(text, "kodemon_call_duration_seconds_sum{" + labels + "} 90.0638"));
    QVERIFY(has(text, "kodemon_call_duration_seconds_count{" + labels + "} 4\n"));
    QVERIFY(has(text, "kodemon_call_failures_total{" + labels + "} 0\n"));
    QVERIFY(has(text, "kodemon_metrics_functions_omitted 0\n"));
    QVERIFY(!has(text, "kodemon_calls_stored_total"));
}

// Every line is a comment (HELP/TYPE once per family, before its samples) or `name{labels} value`.
void tst_PrometheusText::everyLineIsWellFormed()
{
    const QByteArray text = PrometheusText::exposition({ series(QStringLiteral("a"), QStringLiteral(""), { 1 }),
        series(QStringLiteral("b\\\n"), QStringLiteral("x"), { 2 }) }, 7, counters());
    static const QRegularExpression sample(QStringLiteral(
        R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*",?)*\})? (-?[0-9.e+-]+|\+Inf|NaN)$)"));
    QSet<QString> typed;
    for (const QByteArray& raw : text.split('\n')) {
        const QString line = QString::fromUtf8(raw);
        if (line.isEmpty())
            continue;
        if (line.startsWith(u"# TYPE ")) {
            const QString family = line.section(u' ', 2, 2);
            QVERIFY2(!typed.contains(family), qPrintable(line));
            typed.insert(family);
            continue;
        }
        if (line.startsWith(u"# HELP "))
            continue;
        const auto match = sample.match(line);
        QVERIFY2(match.hasMatch(), qPrintable(line));
        const QString family = match.captured(1).remove(QRegularExpression(QStringLiteral("_(bucket|sum|count)$")));
        QVERIFY2(typed.contains(family) || typed.contains(match.captured(1)), qPrintable(line));
    }
    QVERIFY(has(text, "kodemon_metrics_functions_omitted 7\n"));
    QVERIFY(has(text, "kodemon_datagrams_received_total 10\n"));
    QVERIFY(has(text, "kodemon_calls_stored_total 9\n"));
    QVERIFY(has(text, "kodemon_kernel_drops_total 3\n"));
    QVERIFY(has(text, "kodemon_rejected_total{reason=\"not_json\"} 1\n"));
    QVERIFY(has(text, "kodemon_statsd_up 0\n"));
    QVERIFY(has(text, "kodemon_statsd_lines_total{kind=\"timer\"} 4\n"));
}

void tst_PrometheusText::scopedHasNoCounters()
{
    const QByteArray text = PrometheusText::exposition({}, 0, std::nullopt);
    QVERIFY(has(text, "# TYPE kodemon_call_duration_seconds histogram"));
    QVERIFY(!has(text, "kodemon_datagrams_received_total"));
    QVERIFY(!has(text, "kodemon_statsd"));
}

void tst_PrometheusText::sizeIsBounded()
{
    CallMetrics metrics;
    QList<Sample> calls;
    const QString longKey(1000, u'k');
    for (int i = 0; i < CallMetrics::MaxSeries; ++i) {
        Sample s;
        s.key = longKey + QString::number(i);
        s.token = QString(1000, u't');
        s.executionTime = 1;
        calls.append(s);
    }
    metrics.record(calls);
    const QByteArray text = PrometheusText::exposition(metrics.series(), 0, counters());
    QVERIFY2(text.size() < PrometheusText::MaxBytes + 1024 * 1024, qPrintable(QString::number(text.size())));
    const qsizetype at = text.indexOf("\nkodemon_metrics_functions_omitted ") + 35;
    const int omitted = text.mid(at, text.indexOf('\n', at) - at).toInt();
    QVERIFY(omitted > 0);
    QCOMPARE(text.count("kodemon_call_duration_seconds_count{"), CallMetrics::MaxSeries - omitted);
}

QTEST_GUILESS_MAIN(tst_PrometheusText)
#include "tst_prometheustext.moc"
