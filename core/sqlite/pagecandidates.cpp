// SPDX-License-Identifier: MIT
#include "sqlite/pagecandidates.h"

#include <algorithm>

namespace Kodemon {

namespace {

template<typename T> bool before(const T& a, const T& b)
{
    return a.position < b.position;
}

} // namespace

QString encodeCursor(const PagePosition& position)
{
    const QByteArray raw = QByteArray::number(position.timestamp, 'g', 17) + '|' + QByteArray::number(position.seriesId)
        + '|' + QByteArray::number(position.sequence);
    return QString::fromLatin1(raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

Result<std::optional<PagePosition>> decodeCursor(const QString& cursor)
{
    if (cursor.isEmpty())
        return std::optional<PagePosition>();
    const Error invalid { QStringLiteral("the cursor \"%1\" is not one this server gave out").arg(cursor),
        ErrorKind::Invalid };
    const auto decoded = QByteArray::fromBase64Encoding(
        cursor.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    const auto parts = decoded.decoded.split('|');
    if (!decoded || parts.size() != 3)
        return invalid;
    bool ok[3] = {};
    const PagePosition position { parts[0].toDouble(&ok[0]), parts[1].toLongLong(&ok[1]), parts[2].toLongLong(&ok[2]) };
    if (!ok[0] || !ok[1] || !ok[2])
        return invalid;
    return std::optional<PagePosition>(position);
}

PageCandidates::PageCandidates(int limit, std::optional<PagePosition> after)
    : m_limit(std::max(limit, 0))
    , m_after(after)
{ }

void PageCandidates::add(qint64 seriesId, ChunkRow&& row)
{
    const PagePosition position { row.timestamp, seriesId, row.sequence };
    if ((m_after && !(*m_after < position)) || (m_bound && *m_bound < position))
        return;
    m_candidates.append({ position, row.executionTime, std::move(row.extra) });
    // Trimming at twice the size keeps the work linear in the rows seen.
    const qsizetype keep = m_limit + 1;
    if ((!m_bound && m_candidates.size() == keep) || m_candidates.size() >= 2 * keep)
        trim();
}

void PageCandidates::trim()
{
    const qsizetype keep = m_limit + 1;
    if (m_candidates.size() < keep)
        return;
    const auto last = m_candidates.begin() + (keep - 1);
    std::nth_element(m_candidates.begin(), last, m_candidates.end(), before<Candidate>);
    m_bound = last->position;
    m_candidates.erase(last + 1, m_candidates.end());
}

bool PageCandidates::excludesFrom(double timestamp) const
{
    return m_bound && timestamp > m_bound->timestamp;
}

SamplePage PageCandidates::page(const std::function<QString(qint64 seriesId)>& tokenOf)
{
    trim();
    std::sort(m_candidates.begin(), m_candidates.end(), before<Candidate>);
    SamplePage page;
    const qsizetype count = std::min(m_candidates.size(), m_limit);
    page.samples.reserve(count);
    for (qsizetype i = 0; i < count; ++i) {
        auto& candidate = m_candidates[i];
        page.samples.append({ candidate.position.timestamp, candidate.executionTime,
            tokenOf(candidate.position.seriesId), std::move(candidate.extra), candidate.position.sequence });
    }
    if (m_candidates.size() > m_limit && count > 0)
        page.next = encodeCursor(m_candidates.at(count - 1).position);
    return page;
}

} // namespace Kodemon
