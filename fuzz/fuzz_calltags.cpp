// SPDX-License-Identifier: MIT
// libFuzzer target: reading a call's tags from its extra fields (calltags.h) and the tag filter syntax
// (tagfilter.h). Properties: the tags of any object Qt can write are exactly its string, number and boolean
// members as Qt reads them; isFailedCall agrees with readCallTags; every filter that parses is written back to
// text that parses to the same filter.
#include "base/calltags.h"
#include "base/tagfilter.h"

#include <cstdint>
#include <cstdlib>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Kodemon;

namespace {

void checkAgainstQt(const QByteArray& text)
{
    const QJsonDocument document = QJsonDocument::fromJson(text);
    if (!document.isObject())
        return;
    const QJsonObject object = document.object();
    const QByteArray compact = document.toJson(QJsonDocument::Compact);
    const CallTags tags = readCallTags(compact);
    qsizetype scalars = 0;
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QJsonValue value = it.value();
        if (!(value.isString() || value.isDouble() || value.isBool()))
            continue;
        if (!it.key().isValidUtf16() || (value.isString() && !value.toString().isValidUtf16()))
            continue; // not Unicode: no tag (calltags.h)
        const auto found = std::find_if(tags.tags.begin(), tags.tags.end(), [&](const Tag& tag) { return tag.name == it.key(); });
        if (found == tags.tags.end() || found->string != value.isString())
            std::abort();
        if (value.isString() && found->value != value.toString())
            std::abort();
        if (value.isBool() && found->value != (value.toBool() ? u"true" : u"false"))
            std::abort();
        ++scalars;
    }
    if (scalars != tags.tags.size())
        std::abort();
    const QJsonValue error = object.value(QStringLiteral("error"));
    const bool failed = !error.isUndefined() && !error.isNull() && !(error.isBool() && !error.toBool());
    if (tags.failed != failed || isFailedCall(compact) != failed)
        std::abort();
}

void checkFilter(const QString& text)
{
    const auto filter = parseTagFilter(text);
    if (!filter)
        return;
    if (filter->name.isEmpty())
        std::abort();
    const auto again = parseTagFilter(formatTagFilter(*filter));
    if (!again || !(*again == *filter))
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray raw(reinterpret_cast<const char*>(data), qsizetype(size));
    const CallTags tags = readCallTags(raw); // any bytes: never a crash
    if (tags.failed != isFailedCall(raw))
        std::abort();
    checkAgainstQt(raw);
    checkFilter(QString::fromUtf8(raw));
    return 0;
}
