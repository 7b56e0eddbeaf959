// SPDX-License-Identifier: MIT
#include "base/calltags.h"

#include "base/jsonscanner.h"

#include <QJsonDocument>
#include <QJsonArray>
#include <QJsonValue>

namespace Kodemon {

namespace {

// A string's text; the rare escape decodeJsonString leaves to Qt (a lone surrogate Qt wrote itself) goes to Qt.
QString decoded(QByteArrayView raw)
{
    if (const auto utf8 = decodeJsonString(raw))
        return QString::fromUtf8(*utf8);
    const QByteArray quoted = '"' + raw.toByteArray() + '"';
    return QJsonDocument::fromJson('[' + quoted + ']').array().at(0).toString();
}

enum class Kind { String, Scalar, Other };

Kind kindOf(QByteArrayView raw)
{
    if (raw.isEmpty())
        return Kind::Other;
    switch (raw.front()) {
    case '"':
        return Kind::String;
    case '{':
    case '[':
    case 'n': // null
        return Kind::Other;
    default: // numbers, true, false: stored as Qt writes them, so the text is the canonical form
        return Kind::Scalar;
    }
}

bool marksFailure(QByteArrayView raw)
{
    return !raw.isEmpty() && raw != "false" && raw != "null";
}

// Calls `visit(rawName, rawValue)` for every member; false when the text is not an object.
template<typename Visit> bool forEachMember(QByteArrayView extra, Visit visit)
{
    JsonScanner in(extra);
    if (!in.take('{'))
        return false;
    if (in.take('}'))
        return in.atEnd();
    do {
        QByteArrayView name;
        QByteArrayView value;
        if (!in.string(name) || !in.take(':') || !in.value(value))
            return false;
        visit(name, value);
    } while (in.take(','));
    return in.take('}') && in.atEnd();
}

} // namespace

CallTags readCallTags(QByteArrayView extra)
{
    CallTags out;
    if (extra.isEmpty())
        return out;
    const bool ok = forEachMember(extra, [&out](QByteArrayView rawName, QByteArrayView raw) {
        const Kind kind = kindOf(raw);
        const bool isError = rawName == "error";
        if (isError)
            out.failed = marksFailure(raw);
        if (kind == Kind::Other)
            return;
        QString value = kind == Kind::String ? decoded(raw.sliced(1, raw.size() - 2)) : QString::fromLatin1(raw);
        QString name = decoded(rawName);
        // Text that is not Unicode (a lone surrogate escaped as \ud800) cannot be kept, shown or asked for as text.
        if (!name.isValidUtf16() || !value.isValidUtf16())
            return;
        out.tags.append({ std::move(name), std::move(value), kind == Kind::String });
    });
    if (!ok)
        return {};
    return out;
}

bool isFailedCall(QByteArrayView extra)
{
    if (!extra.contains("\"error\""))
        return false;
    bool failed = false;
    const bool ok = forEachMember(extra, [&failed](QByteArrayView rawName, QByteArrayView raw) {
        if (rawName == "error")
            failed = marksFailure(raw);
    });
    return ok && failed;
}

} // namespace Kodemon
