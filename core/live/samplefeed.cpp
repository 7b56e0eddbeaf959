// SPDX-License-Identifier: MIT
#include "live/samplefeed.h"

#include <QDeadlineTimer>

namespace Kodemon {

SampleFeed::SampleFeed(QObject* parent)
    : QObject(parent)
{ }

SampleFeed::~SampleFeed() = default;

qint64 SampleFeed::clockMs()
{
    return QDeadlineTimer::current().deadline();
}

void SampleFeed::watch(const QList<KeyId>& keys)
{
    Q_UNUSED(keys)
}

void SampleFeed::pollSoon() { }

} // namespace Kodemon
