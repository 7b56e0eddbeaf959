// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"

#include <QList>
#include <QString>

namespace Kodemon::Test {

// A call a test sends, with the tags it was given and whether it failed, known independently of Kodemon's own
// reading of the JSON: the ground truth that tag filters, groups and error counts are checked against.
struct TaggedCall
{
    QString token;
    QString key;
    double timestamp = 0;
    double executionTime = 0;
    QByteArray extra; // what the decorator's keyword arguments become, as Kodemon stores it (compact JSON)
    QList<std::pair<QString, QString>> tags; // name, value as text: the scalar members only
    bool failed = false;
};

// Calls of two keys (with '/', spaces, '..' and non-ASCII) and two tokens, carrying the kinds of tags real
// decorators send: a few values (endpoint, with values that need escaping in URLs and filters), strings and
// numbers and booleans, a tag with more distinct values than Kodemon indexes per series (user), an object that
// is not a tag (ctx), and failures as class names, `true`, and `false` (which is no failure).
class TaggedCalls final
{
public:
    static const QString Checkout; // "/srv/../shop/checkout.py-pay"
    static const QString Handler; // "/home/me/My Project/app.py-handle ü"

    static QList<TaggedCall> generate(int count, quint32 seed, double firstTimestamp);
    static QList<Sample> samples(const QList<TaggedCall>& calls);

    // The brute-force answer: whether the call passes the filters and the outcome, read from the ground truth.
    static bool passes(const TaggedCall& call, const QList<TagFilter>& filters, CallOutcome outcome);
    // The calls of `key` (and `token`, when given) in `range` that pass, in the order given.
    static QList<TaggedCall> select(const QList<TaggedCall>& calls, const SeriesSelector& selector);
    static std::optional<QString> valueOf(const TaggedCall& call, const QString& name);
};

} // namespace Kodemon::Test
