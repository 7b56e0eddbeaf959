// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace Kodemon::DisplayFormat {

// Execution time with a unit that keeps three significant digits readable: "412 µs", "31.9 ms", "2.40 s".
QString duration(double milliseconds);
// Milliseconds as a plain number with about three significant digits, for table columns headed "(ms)".
QString milliseconds(double milliseconds);
// A share in percent with about two significant digits: "0 %", "0.35 %", "7.0 %", "12 %", "<0.01 %".
QString percent(double value);
// A change in percent with its sign: "+21 %", "−8.3 %", "+0.4 %" (a true minus sign).
QString change(double percent);
// A count with the locale's digit grouping: "12,345".
QString count(qint64 value);
// Bytes in KiB/MiB/GiB.
QString bytes(qint64 value);
// Epoch seconds as local date and time, to the second.
QString dateTime(double epochSeconds);
// The time of day for moments of the same day as `now`, the date and time otherwise.
QString clockTime(double epochSeconds, double now);
// A length of time for people: "45 s", "12 min", "3.5 h", "2 d".
QString span(double seconds);
// A short name for a key: the file name and function, without the folders.
QString shortKey(const QString& key);

} // namespace Kodemon::DisplayFormat
