// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QRandomGenerator>

namespace Kodemon::Test {

// Makes objects of the decorator's format at random, with every kind of member the fast path has to read or step
// aside for: escapes and UTF-8 (well-formed or not) in strings, numbers written every way, extra members of every
// JSON type in any order, duplicates, deep nesting, and now and then a few random byte edits.
class RandomDatagram final
{
public:
    explicit RandomDatagram(quint32 seed)
        : m_random(seed)
    { }

    QByteArray next();

private:
    bool chance(int percent) { return int(m_random.bounded(100)) < percent; }
    template<typename T, size_t N> const T& pick(const T (&items)[N]) { return items[m_random.bounded(int(N))]; }

    QByteArray space();
    QByteArray stringPiece();
    QByteArray string(int pieces);
    QByteArray key();
    QByteArray number();
    QByteArray scalar();
    QByteArray value(int depth);
    QByteArray deepValue();
    QByteArray extraName();
    QByteArray member(const QByteArray& name, const QByteArray& value);
    QByteArray mutate(QByteArray text);

    QRandomGenerator m_random;
};

} // namespace Kodemon::Test
