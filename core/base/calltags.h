// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

namespace Kodemon {

// One tag of a call: a member of its extra fields whose value is a string, a number or a boolean
// (`@kodemon(endpoint="/cart", tier="gold")` sends two). Objects, arrays and null stay in the extra fields but are
// not tags. The value is the string itself, a number as JSON writes it (`200`, `1.5`), or `true`/`false`.
struct Tag
{
    QString name;
    QString value;
    bool string = true; // the value was a JSON string (false: a number or a boolean, kept as JSON wrote it)

    friend bool operator==(const Tag& a, const Tag& b) { return a.name == b.name && a.value == b.value; }
};

// What a call's extra fields say about it.
struct CallTags
{
    QList<Tag> tags; // in the object's order
    // The call failed: it has an `error` member (the Python and C++ clients send the exception's class name;
    // any client may send `"error": true`) whose value is neither `false` nor `null`.
    bool failed = false;
};

// The name of the member that marks a failed call.
inline constexpr QStringView ErrorTagName = u"error";

// Reads the tags of an extra-fields object as Kodemon stores it (compact JSON, as QJsonDocument writes it).
// Empty or malformed text has no tags. Pure and cheap: no QJsonDocument.
CallTags readCallTags(QByteArrayView extra);

// Only whether the call failed, for paths that need nothing else.
bool isFailedCall(QByteArrayView extra);

} // namespace Kodemon
