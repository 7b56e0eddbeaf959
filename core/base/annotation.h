// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace Kodemon {

// A marker a person or a deploy script put on the timeline ("deploy 1.4.2"): a moment, or a period when it has
// an end, with free text, labels and the project (token) it concerns; an empty token concerns every project.
struct Annotation
{
    qint64 id = 0; // given by the store
    double time = 0; // epoch seconds
    std::optional<double> end; // a period's end, after `time`
    QString text;
    QStringList tags; // labels ("deploy", "api"), not call tags
    QString token; // the project; empty: all of them

    // Whether the annotation lies in [from, to] (a period: overlaps it).
    bool overlaps(double from, double to) const { return time <= to && end.value_or(time) >= from; }
    // Whether someone who may read `token`'s calls sees it.
    bool concerns(const QString& projectToken) const { return token.isEmpty() || token == projectToken; }
};

} // namespace Kodemon

Q_DECLARE_METATYPE(Kodemon::Annotation)
