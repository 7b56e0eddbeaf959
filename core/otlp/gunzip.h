// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace Kodemon {

struct Gunzipped
{
    enum class Outcome { Ok, TooLarge, Corrupt };
    Outcome outcome = Outcome::Ok;
    QByteArray data; // when Ok
    QString error; // otherwise, in words
};

// Inflates a gzip body (RFC 1952, also several members one after another) up to `limit` bytes: a larger result
// is TooLarge as soon as it passes the limit, so that a small bomb cannot fill the memory. Corrupt or truncated
// data is Corrupt, with the reason.
Gunzipped gunzip(QByteArrayView compressed, qint64 limit);

} // namespace Kodemon
