// SPDX-License-Identifier: MIT
#include "taggedcalls.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>

namespace Kodemon::Test {

const QString TaggedCalls::Checkout = QStringLiteral("/srv/../shop/checkout.py-pay");
const QString TaggedCalls::Handler = QStringLiteral("/home/me/My Project/app.py-handle ü");

namespace {

const QString Endpoints[] = { QStringLiteral("/cart"), QStringLiteral("/home"), QStringLiteral("/a b&c=d+e%f#g"),
    QStringLiteral("ünï:cödé!\\ \"q\"") };

void addString(TaggedCall& call, QJsonObject& extra, const QString& name, const QString& value)
{
    extra.insert(name, value);
    call.tags.append({ name, value });
}

void addLiteral(TaggedCall& call, QJsonObject& extra, const QString& name, const QJsonValue& value, const QString& text)
{
    extra.insert(name, value);
    call.tags.append({ name, text });
}

} // namespace

QList<TaggedCall> TaggedCalls::generate(int count, quint32 seed, double firstTimestamp)
{
    QRandomGenerator random(seed);
    QList<TaggedCall> calls;
    calls.reserve(count);
    for (int i = 0; i < count; ++i) {
        TaggedCall call;
        call.key = random.bounded(3) == 0 ? Checkout : Handler;
        call.token = random.bounded(2) == 0 ? QStringLiteral("shop") : QStringLiteral("blog");
        call.timestamp = firstTimestamp + double(i / 3); // three calls per second: ties
        call.executionTime = std::round(std::exp(random.generateDouble() * 6) * 1000) / 1000; // 1 ms .. 400 ms
        QJsonObject extra;
        if (random.bounded(10) < 6)
            addString(call, extra, QStringLiteral("endpoint"), Endpoints[random.bounded(4) == 0 ? 0 : random.bounded(4)]);
        if (random.bounded(10) < 3)
            addString(call, extra, QStringLiteral("tier"), random.bounded(2) ? QStringLiteral("gold") : QStringLiteral("silver"));
        if (random.bounded(10) < 2) {
            const int status = random.bounded(4) == 0 ? 500 : 200;
            addLiteral(call, extra, QStringLiteral("status"), status, QString::number(status));
        }
        if (random.bounded(10) == 0) {
            const bool cached = random.bounded(2) == 0;
            addLiteral(call, extra, QStringLiteral("cached"), cached, cached ? QStringLiteral("true") : QStringLiteral("false"));
        }
        if (random.bounded(100) < 30) // 1,500 distinct values: past what one series indexes
            addString(call, extra, QStringLiteral("user"), QStringLiteral("u%1").arg(random.bounded(1500)));
        if (random.bounded(100) < 5)
            extra.insert(QStringLiteral("ctx"), QJsonObject { { QStringLiteral("a"), 1 } });
        const int fate = random.bounded(100);
        if (fate < 5) {
            addString(call, extra, QStringLiteral("error"), QStringLiteral("ValueError"));
            call.failed = true;
        } else if (fate < 7) {
            addLiteral(call, extra, QStringLiteral("error"), true, QStringLiteral("true"));
            call.failed = true;
        } else if (fate < 8) {
            addLiteral(call, extra, QStringLiteral("error"), false, QStringLiteral("false"));
        }
        if (!extra.isEmpty())
            call.extra = QJsonDocument(extra).toJson(QJsonDocument::Compact);
        calls.append(std::move(call));
    }
    return calls;
}

QList<Sample> TaggedCalls::samples(const QList<TaggedCall>& calls)
{
    QList<Sample> samples;
    samples.reserve(calls.size());
    for (const auto& call : calls)
        samples.append({ call.token, call.key, call.timestamp, call.executionTime, qint64(call.timestamp), call.extra });
    return samples;
}

std::optional<QString> TaggedCalls::valueOf(const TaggedCall& call, const QString& name)
{
    for (const auto& [tag, value] : call.tags) {
        if (tag == name)
            return value;
    }
    return std::nullopt;
}

bool TaggedCalls::passes(const TaggedCall& call, const QList<TagFilter>& filters, CallOutcome outcome)
{
    if ((outcome == CallOutcome::Failed && !call.failed) || (outcome == CallOutcome::Succeeded && call.failed))
        return false;
    for (const auto& filter : filters) {
        const auto value = valueOf(call, filter.name);
        bool ok = false;
        switch (filter.op) {
        case TagFilter::Op::Equals:
            ok = value && *value == filter.value;
            break;
        case TagFilter::Op::NotEquals:
            ok = !value || *value != filter.value;
            break;
        case TagFilter::Op::Present:
            ok = value.has_value();
            break;
        case TagFilter::Op::Absent:
            ok = !value;
            break;
        }
        if (!ok)
            return false;
    }
    return true;
}

QList<TaggedCall> TaggedCalls::select(const QList<TaggedCall>& calls, const SeriesSelector& selector)
{
    QList<TaggedCall> selected;
    for (const auto& call : calls) {
        if (call.key == selector.key && (!selector.token || *selector.token == call.token)
            && selector.range.contains(call.timestamp) && passes(call, selector.tags, selector.outcome))
            selected.append(call);
    }
    return selected;
}

} // namespace Kodemon::Test
