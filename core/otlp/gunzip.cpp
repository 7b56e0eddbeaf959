// SPDX-License-Identifier: MIT
#include "otlp/gunzip.h"

#include <zlib.h>

namespace Kodemon {

namespace {

const QString OverLimit = QStringLiteral("the decompressed body is larger than %1 bytes");

Gunzipped corrupt(const QString& why)
{
    return { Gunzipped::Outcome::Corrupt, {}, why };
}

// Owns a z_stream set up for gzip, released however inflating ends.
class Inflater
{
public:
    Inflater()
    {
        m_ok = inflateInit2(&m_stream, 16 + MAX_WBITS) == Z_OK; // 16: a gzip header and trailer, not zlib's
    }
    ~Inflater()
    {
        if (m_ok)
            inflateEnd(&m_stream);
    }
    Inflater(const Inflater&) = delete;
    Inflater& operator=(const Inflater&) = delete;

    bool ok() const { return m_ok; }
    z_stream& stream() { return m_stream; }

private:
    z_stream m_stream {};
    bool m_ok = false;
};

} // namespace

Gunzipped gunzip(QByteArrayView compressed, qint64 limit)
{
    Inflater inflater;
    if (!inflater.ok())
        return corrupt(QStringLiteral("cannot set up gzip decompression"));
    z_stream& z = inflater.stream();
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
    z.avail_in = uInt(compressed.size());
    QByteArray out;
    constexpr qsizetype Step = 64 * 1024;
    for (;;) {
        if (out.size() >= limit + 1)
            return { Gunzipped::Outcome::TooLarge, {}, OverLimit.arg(limit) };
        const qsizetype before = out.size();
        out.resize(before + std::min<qsizetype>(Step, limit + 1 - before));
        z.next_out = reinterpret_cast<Bytef*>(out.data() + before);
        z.avail_out = uInt(out.size() - before);
        const int result = inflate(&z, Z_NO_FLUSH);
        out.resize(out.size() - qsizetype(z.avail_out));
        if (out.size() > limit)
            return { Gunzipped::Outcome::TooLarge, {}, OverLimit.arg(limit) };
        if (result == Z_STREAM_END) {
            if (z.avail_in == 0)
                return { Gunzipped::Outcome::Ok, out, {} };
            // Concatenated gzip members are one stream (RFC 1952, 2.2).
            if (inflateReset(&z) != Z_OK)
                return corrupt(QStringLiteral("the gzip body is corrupt"));
            continue;
        }
        if (result == Z_BUF_ERROR && z.avail_in == 0)
            return corrupt(QStringLiteral("the gzip body is truncated"));
        if (result != Z_OK && result != Z_BUF_ERROR)
            return corrupt(
                QStringLiteral("the gzip body is corrupt: %1").arg(QString::fromLatin1(z.msg ? z.msg : "unknown error")));
    }
}

} // namespace Kodemon
