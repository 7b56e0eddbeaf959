// SPDX-License-Identifier: MIT
#include "ingest/stringcache.h"

namespace Kodemon {

using namespace JsonText;

const StringCache::Text* StringCache::text(QByteArrayView raw)
{
    if (auto it = m_texts.constFind(QByteArray::fromRawData(raw.data(), raw.size())); it != m_texts.constEnd())
        return &it.value();
    auto decoded = decodeString(rawString(raw));
    if (!decoded)
        return nullptr;
    if (m_texts.size() >= MaxTexts || m_textBytes + raw.size() > MaxTextBytes) {
        m_texts.clear();
        m_textBytes = 0;
    }
    m_textBytes += raw.size();
    return &m_texts.insert(raw.toByteArray(), std::move(*decoded)).value();
}

QByteArray StringCache::extra(QByteArrayView members)
{
    if (members.size() > MaxCachedExtraBytes)
        return normalisedExtra(members);
    if (auto it = m_extras.constFind(QByteArray::fromRawData(members.data(), members.size()));
        it != m_extras.constEnd())
        return it.value();
    QByteArray normalised = normalisedExtra(members);
    if (normalised.isNull())
        return normalised; // invalid: not worth remembering, the full parser will reject it
    if (m_extras.size() >= MaxExtras)
        m_extras.clear();
    m_extras.insert(members.toByteArray(), normalised);
    return normalised;
}

} // namespace Kodemon
