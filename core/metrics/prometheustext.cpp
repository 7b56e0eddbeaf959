// SPDX-License-Identifier: MIT
#include "metrics/prometheustext.h"

#include "base/rejectreason.h"

#include <cmath>
#include <QLocale>

namespace Kodemon::PrometheusText {

namespace {

constexpr std::array<const char*, CallMetrics::Buckets.size()> BucketLabels = { "0.0001", "0.00025", "0.0005",
    "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "30", "60" };

// Go's strconv 'g' shortest form, which Prometheus reads back exactly; special values by name.
QByteArray number(double value)
{
    if (std::isnan(value))
        return QByteArrayLiteral("NaN");
    if (std::isinf(value))
        return value > 0 ? QByteArrayLiteral("+Inf") : QByteArrayLiteral("-Inf");
    return QByteArray::number(value, 'g', QLocale::FloatingPointShortest);
}

void header(QByteArray& out, const char* name, const char* type, const char* help)
{
    out += QByteArrayLiteral("# HELP ") + name + ' ' + help + QByteArrayLiteral("\n# TYPE ") + name + ' ' + type
        + '\n';
}

void sample(QByteArray& out, const QByteArray& name, const QByteArray& labels, const QByteArray& value)
{
    out += name;
    if (!labels.isEmpty())
        out += '{' + labels + '}';
    out += ' ' + value + '\n';
}

QByteArray seriesLabels(const KeyId& id)
{
    return QByteArrayLiteral("key=\"") + labelValue(id.key) + QByteArrayLiteral("\",token=\"") + labelValue(id.token)
        + '"';
}

// Writes as many histograms as fit in MaxBytes; returns how many.
qsizetype histograms(QByteArray& out, const QList<CallMetrics::Series>& series)
{
    header(out, "kodemon_call_duration_seconds", "histogram",
        "Execution time of the calls this Kodemon stored since it started, per function (key) and token.");
    qsizetype written = 0;
    for (const auto& s : series) {
        if (out.size() >= MaxBytes)
            break;
        const QByteArray labels = seriesLabels(s.id);
        quint64 cumulative = 0;
        for (size_t i = 0; i < CallMetrics::Buckets.size(); ++i) {
            cumulative += s.buckets[i];
            sample(out, "kodemon_call_duration_seconds_bucket",
                labels + QByteArrayLiteral(",le=\"") + BucketLabels[i] + '"', QByteArray::number(cumulative));
        }
        sample(out, "kodemon_call_duration_seconds_bucket", labels + QByteArrayLiteral(",le=\"+Inf\""),
            QByteArray::number(s.count));
        sample(out, "kodemon_call_duration_seconds_sum", labels, number(s.sumSeconds));
        sample(out, "kodemon_call_duration_seconds_count", labels, QByteArray::number(s.count));
        ++written;
    }
    return written;
}

void failures(QByteArray& out, const QList<CallMetrics::Series>& series, qsizetype written)
{
    header(out, "kodemon_call_failures_total", "counter",
        "Calls stored with an error member (failed calls) since Kodemon started, per function and token.");
    for (qsizetype i = 0; i < written; ++i)
        sample(out, "kodemon_call_failures_total", seriesLabels(series[i].id), QByteArray::number(series[i].failed));
}

void counter(QByteArray& out, const char* name, const char* type, const char* help, qint64 value)
{
    header(out, name, type, help);
    sample(out, name, {}, QByteArray::number(value));
}

void ownCounters(QByteArray& out, const IngestSnapshot& c)
{
    counter(out, "kodemon_datagrams_received_total", "counter",
        "Datagrams read from the decorators' UDP port.", c.datagrams);
    counter(out, "kodemon_calls_stored_total", "counter", "Calls committed to the store, from every protocol.", c.stored);
    counter(out, "kodemon_calls_unstored_total", "counter",
        "Calls the store refused and that were given up on.", c.unstored);
    counter(out, "kodemon_calls_pending", "gauge", "Calls waiting for the writer.", c.pending);
    counter(out, "kodemon_calls_spooled", "gauge", "Calls waiting in the spool file for the store.", c.spooled);
    header(out, "kodemon_rejected_total", "counter",
        "Objects of the decorators' datagrams that were refused, per reason.");
    for (int i = 0; i < RejectReasonCount; ++i)
        sample(out, "kodemon_rejected_total",
            QByteArrayLiteral("reason=\"") + rejectReasonName(RejectReason(i)).data() + '"',
            QByteArray::number(c.rejected[size_t(i)]));
    counter(out, "kodemon_kernel_drops_total", "counter",
        "Datagrams of the decorators' port that the kernel dropped because the receive buffer was full.",
        c.kernelDrops);
}

// kodemon_<protocol>_... for each optional listener: up, received, calls, each group per name.
void listenerCounters(QByteArray& out, const ListenerStatus& l)
{
    const QByteArray prefix = "kodemon_" + l.protocol.toUtf8() + '_';
    const QByteArray up = prefix + "up";
    header(out, up.constData(), "gauge", "1 while the listener runs, 0 when it is off or its port could not be used.");
    sample(out, up, {}, l.state == ListenerStatus::State::Listening ? "1" : "0");
    const QByteArray received = prefix + l.unit.toUtf8() + "_received_total";
    header(out, received.constData(), "counter", "What the listener received.");
    sample(out, received, {}, QByteArray::number(l.received));
    const QByteArray calls = prefix + "calls_accepted_total";
    header(out, calls.constData(), "counter", "Calls the listener handed to the writer.");
    sample(out, calls, {}, QByteArray::number(l.calls));
    if (l.kernelDrops >= 0) {
        const QByteArray drops = prefix + "kernel_drops_total";
        header(out, drops.constData(), "counter", "Datagrams the kernel dropped because the receive buffer was full.");
        sample(out, drops, {}, QByteArray::number(l.kernelDrops));
    }
    for (const auto& group : l.groups) {
        const QByteArray name = prefix + group.name.toUtf8() + "_total";
        const QByteArray label = group.name == u"lines" ? "kind" : "reason";
        header(out, name.constData(), "counter", "Counted per kind or reason.");
        for (const auto& count : group.counts)
            sample(out, name, label + "=\"" + labelValue(count.name) + '"', QByteArray::number(count.count));
    }
}

} // namespace

QByteArray labelValue(const QString& text)
{
    QByteArray out = text.toUtf8();
    out.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    return out;
}

QByteArray exposition(const QList<CallMetrics::Series>& series, qint64 omittedSeries,
    const std::optional<IngestSnapshot>& counters)
{
    QByteArray out;
    out.reserve(std::min<qsizetype>(MaxBytes, 256 + series.size() * 2400));
    const qsizetype written = histograms(out, series);
    failures(out, series, written);
    counter(out, "kodemon_metrics_functions_omitted", "gauge",
        "Functions left out of this answer: past 2,000 functions, or past 16 MiB of text.",
        omittedSeries + (series.size() - written));
    if (!counters)
        return out;
    ownCounters(out, *counters);
    for (const auto& listener : counters->listeners)
        listenerCounters(out, listener);
    return out;
}

} // namespace Kodemon::PrometheusText
