// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"

#include <array>
#include <optional>
#include <QByteArrayView>
#include <QHash>
#include <QLatin1StringView>
#include <QList>
#include <QString>

namespace Kodemon {

// The kinds of StatsD and DogStatsD lines. Timers, histograms and distributions carry durations and become calls;
// the others are only counted.
enum class StatsdKind { Timer, Histogram, Distribution, Counter, Gauge, Set, Event, ServiceCheck, Count };
inline constexpr int StatsdKindCount = static_cast<int>(StatsdKind::Count);
QLatin1StringView statsdKindName(StatsdKind kind); // "timer", "histogram", ... as /api/status shows them

// Why a StatsD line was refused. Names are stable: they appear in /api/status, /metrics and the log.
enum class StatsdReject {
    Empty, // an empty datagram
    BadLine, // no "name:value|type" shape
    BadName, // empty, longer than MaxKeyBytes, not UTF-8
    BadValue, // not a number (a duration must be finite and >= 0)
    UnknownType,
    BadSampleRate, // "@" followed by anything but a number in (0, 1]
    BadTimestamp, // "T" followed by anything but whole epoch seconds
    BadTags, // tags that are not UTF-8
    BadEvent, // "_e{...}" whose lengths do not match
    BadServiceCheck, // "_sc|name|status" with a missing name or a status other than 0-3
    SourceNotAllowed, // the sender is outside --udp-allow
    Count
};
inline constexpr int StatsdRejectCount = static_cast<int>(StatsdReject::Count);
QLatin1StringView statsdRejectName(StatsdReject reason);

struct StatsdOptions
{
    QString token; // --statsd-token: the token of calls without a "token" tag
};

struct StatsdRejection
{
    StatsdReject reason;
    QString detail; // what exactly was wrong, for the log
};

// What one or more datagrams held: the calls, the lines counted per kind, and each refused line.
struct StatsdParsed
{
    QList<Sample> samples;
    std::array<qint64, StatsdKindCount> lines {};
    QList<StatsdRejection> rejections;
};

// The tag whose value is a call's token (`|#token:shop`); it is not kept as a tag.
inline constexpr QLatin1StringView StatsdTokenTag("token");
// A line's sample rate below 1 is kept as this extra member, so that counts can be scaled back.
inline constexpr QLatin1StringView StatsdSampleRateMember("sample_rate");

// What a metric line's sections after its type ("|@0.5|#env:prod,token:shop") make of its calls: the token (none:
// --statsd-token's) and the extra members. The same for every line with the same sections' text and no "T".
struct StatsdSectionsMemo
{
    std::optional<QString> token;
    QByteArray extra;
};

// Remembers the names a StatsD port receives, so that each is decoded once and its calls share one QString: a
// client sends the same few hundred metrics over and over. Remembers the text of their sections too (DogStatsD
// clients send the same constant tags with every line), so that their tags are read and written as JSON once, not
// per line: that took ~2 us a line, ten times a plain timer's parsing (docs/BENCHMARKS.md, "StatsD's CPU per
// datagram"). Bounded: a flood of distinct names or tags only empties it.
class StatsdNames final
{
public:
    const QString& name(QByteArrayView raw);
    const StatsdSectionsMemo* sections(QByteArrayView raw) const;
    void rememberSections(QByteArrayView raw, StatsdSectionsMemo memo);

private:
    static constexpr qsizetype MaxNames = 65536;
    static constexpr qsizetype MaxSections = 4096;
    static constexpr qsizetype MaxSectionBytes = 1024; // longer sections are read each time, not kept
    QHash<QByteArray, QString> m_names;
    QHash<QByteArray, StatsdSectionsMemo> m_sections;
};

// Parses one datagram of StatsD lines separated by "\n" (DogStatsD extensions included: tags, several values,
// the "T" timestamp, events and service checks). Appends to `out`; bad lines are refused one by one, their
// neighbours kept. Calls without a "T" timestamp get `now` (epoch seconds). Pure: no I/O.
void parseStatsdDatagram(QByteArrayView datagram, const StatsdOptions& options, double now, StatsdParsed& out,
    StatsdNames* names = nullptr);

} // namespace Kodemon
