// SPDX-License-Identifier: MIT
#include "http/requestlimiter.h"

#include <cctype>
#include <QList>

namespace Kodemon {

namespace {

// The value of "Name: value" when the line's name is `name` (case-insensitive), else a null view.
QByteArrayView headerValue(const QByteArray& line, QByteArrayView name)
{
    const auto colon = line.indexOf(':');
    if (colon < 0 || QByteArrayView(line).first(colon).trimmed().compare(name, Qt::CaseInsensitive) != 0)
        return {};
    return QByteArrayView(line).sliced(colon + 1).trimmed();
}

// Qt's URL parser silently reads a stray "%" as "%25" (so "%zz" and "%25zz" would mean the same) and raw
// bytes beyond ASCII as Latin-1 (so a raw UTF-8 "ü" would read as "Ã¼"): such a target is refused instead
// of being guessed at. RFC 3986 allows neither.
bool isMalformedTarget(QByteArrayView requestLine)
{
    const qsizetype start = requestLine.indexOf(' ');
    const qsizetype end = requestLine.lastIndexOf(' ');
    if (start < 0 || end <= start)
        return false; // not a request line Kodemon can read; Qt's parser answers it
    const QByteArrayView target = requestLine.sliced(start + 1, end - start - 1);
    for (qsizetype i = 0; i < target.size(); ++i) {
        if (uchar(target[i]) >= 0x80)
            return true;
        if (target[i] != '%')
            continue;
        if (i + 2 >= target.size() || !isxdigit(uchar(target[i + 1])) || !isxdigit(uchar(target[i + 2])))
            return true;
        i += 2;
    }
    return false;
}

// A chunk-size line ("1a2b;name=value") is short; a longer one is not one.
constexpr qsizetype MaxChunkLine = 1024;

bool listContains(QByteArrayView list, QByteArrayView token)
{
    for (const auto& item : list.toByteArray().split(','))
        if (QByteArrayView(item).trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

} // namespace

RequestLimiter::RequestLimiter(Limits limits)
    : m_limits(limits)
{ }

RequestLimiter::Verdict RequestLimiter::feed(QByteArrayView bytes)
{
    for (qsizetype i = 0; i < bytes.size() && m_verdict == Verdict::Continue; ++i) {
        if (m_state == State::Body) {
            const qint64 skip = std::min<qint64>(m_bodyLeft, bytes.size() - i);
            m_bodyLeft -= skip;
            i += skip - 1;
            if (m_bodyLeft == 0)
                m_state = State::RequestLine;
            continue;
        }
        if (m_state == State::ChunkSize || m_state == State::ChunkData || m_state == State::ChunkEnd
            || m_state == State::Trailers) {
            i = feedChunked(bytes, i);
            continue;
        }
        consume(bytes[i]);
    }
    return m_verdict;
}

// Follows a chunked body from bytes[i]; returns the index of the last byte it took.
qsizetype RequestLimiter::feedChunked(QByteArrayView bytes, qsizetype i)
{
    if (m_state == State::ChunkData) {
        const qint64 skip = std::min<qint64>(m_bodyLeft, bytes.size() - i);
        m_bodyLeft -= skip;
        if (m_bodyLeft == 0)
            m_state = State::ChunkEnd;
        return i + skip - 1;
    }
    const char c = bytes[i];
    if (c == '\n') {
        if (m_line.endsWith('\r'))
            m_line.chop(1);
        endChunkLine();
        m_line.clear();
        m_lineBytes = 0;
        return i;
    }
    if (++m_lineBytes > MaxChunkLine)
        m_verdict = m_state == State::Trailers ? Verdict::HeadersTooLarge : Verdict::BadRequest;
    else
        m_line.append(c);
    return i;
}

void RequestLimiter::endChunkLine()
{
    switch (m_state) {
    case State::ChunkSize: {
        const qsizetype extension = m_line.indexOf(';');
        bool ok = false;
        const qint64 size = QByteArrayView(m_line).first(extension < 0 ? m_line.size() : extension).trimmed().toLongLong(&ok, 16);
        if (!ok || size < 0) {
            m_verdict = Verdict::BadRequest;
            return;
        }
        m_chunkedBytes += size;
        if (m_chunkedBytes > m_limits.maxBodyBytes) {
            m_verdict = Verdict::BodyTooLarge;
            return;
        }
        m_bodyLeft = size;
        m_state = size == 0 ? State::Trailers : State::ChunkData;
        return;
    }
    case State::ChunkEnd:
        if (!m_line.isEmpty())
            m_verdict = Verdict::BadRequest; // a chunk longer than its size said
        m_state = State::ChunkSize;
        return;
    case State::Trailers:
        if (m_line.isEmpty())
            m_state = State::RequestLine;
        return;
    default:
        return;
    }
}

void RequestLimiter::consume(char c)
{
    if (c == '\n') {
        if (m_line.endsWith('\r'))
            m_line.chop(1);
        m_state == State::RequestLine ? endRequestLine() : endHeaderLine();
        m_line.clear();
        m_lineBytes = 0;
        return;
    }
    ++m_lineBytes;
    if (m_state == State::RequestLine) {
        // The line end does not count: its CR is the one byte allowed past the limit.
        if (m_lineBytes > m_limits.maxRequestLine + (c == '\r' ? 1 : 0))
            m_verdict = Verdict::UriTooLong;
    } else if (m_headerBytes + m_lineBytes > m_limits.maxHeaderBytes && !(m_lineBytes == 1 && c == '\r')) {
        m_verdict = Verdict::HeadersTooLarge; // (a lone CR may start the blank line that ends the head)
    }
    if (m_verdict != Verdict::Continue)
        return;
    m_line.append(c);
}

void RequestLimiter::endRequestLine()
{
    if (m_line.isEmpty())
        return; // empty lines between requests are allowed (RFC 9112, 2.2)
    if (isMalformedTarget(m_line)) {
        m_verdict = Verdict::BadTarget;
        return;
    }
    m_current = Head {};
    m_current.http10 = m_line.endsWith("HTTP/1.0");
    m_current.closeRequested = m_current.http10;
    m_headerBytes = 0;
    m_contentLength = 0;
    m_chunked = false;
    m_state = State::Headers;
}

void RequestLimiter::endHeaderLine()
{
    if (m_line.isEmpty()) {
        endHead();
        return;
    }
    m_headerBytes += m_lineBytes + 1;
    if (m_headerBytes > m_limits.maxHeaderBytes) {
        m_verdict = Verdict::HeadersTooLarge;
        return;
    }
    if (const auto length = headerValue(m_line, "content-length"); !length.isNull()) {
        bool ok = false;
        m_contentLength = length.toLongLong(&ok);
        if (!ok || m_contentLength < 0)
            m_verdict = Verdict::BadRequest;
    } else if (const auto encoding = headerValue(m_line, "transfer-encoding"); !encoding.isNull()) {
        m_chunked = listContains(encoding, "chunked");
    } else if (const auto connection = headerValue(m_line, "connection"); !connection.isNull()) {
        if (listContains(connection, "close"))
            m_current.closeRequested = true;
        else if (m_current.http10 && listContains(connection, "keep-alive"))
            m_current.closeRequested = false;
    }
}

void RequestLimiter::endHead()
{
    m_lastHead = m_current;
    ++m_completedHeads;
    if (m_chunked && !m_limits.allowChunked) {
        m_verdict = Verdict::LengthRequired;
    } else if (m_chunked) {
        m_chunkedBytes = 0;
        m_state = State::ChunkSize;
        return;
    } else if (m_contentLength > m_limits.maxBodyBytes) {
        m_verdict = Verdict::BodyTooLarge;
    } else if (m_contentLength > 0) {
        m_bodyLeft = m_contentLength;
        m_state = State::Body;
        return;
    }
    m_state = State::RequestLine;
}

} // namespace Kodemon
