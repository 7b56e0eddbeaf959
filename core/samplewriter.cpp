// SPDX-License-Identifier: MIT
#include "samplewriter.h"

#include "ingestcounters.h"
#include "logging.h"
#include "store.h"

#include <QTimer>

namespace Kodemon {

SampleWriter::SampleWriter(std::shared_ptr<Store> store, std::shared_ptr<IngestCounters> counters, Options options)
    : m_store(std::move(store))
    , m_counters(std::move(counters))
    , m_options(options)
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &SampleWriter::flush);
}

SampleWriter::~SampleWriter()
{
    m_timer->stop();
}

void SampleWriter::append(const QList<Sample>& samples)
{
    m_pending.append(samples);
    if (m_failing)
        giveUpExcess();
    m_counters->setPending(m_pending.size());
    if (m_pending.size() >= m_options.maxBatch && !m_failing)
        flush();
    else
        scheduleFlush();
}

void SampleWriter::scheduleFlush()
{
    if (!m_pending.isEmpty() && !m_timer->isActive())
        m_timer->start(m_failing ? m_options.retryIntervalMs : m_options.flushIntervalMs);
}

bool SampleWriter::flush()
{
    m_timer->stop();
    if (m_pending.isEmpty())
        return true;
    if (!m_writer)
        m_writer = m_store->createWriter();
    while (!m_pending.isEmpty()) {
        const auto batch = m_pending.first(std::min<qsizetype>(m_pending.size(), m_options.maxBatch));
        if (auto status = m_writer->write(batch); !status) {
            reportFailure(status.error());
            giveUpExcess();
            scheduleFlush();
            return false;
        }
        m_pending.remove(0, batch.size());
        m_counters->addStored(batch.size());
        m_counters->setPending(m_pending.size());
        if (m_failing) {
            m_failing = false;
            m_counters->setStoreError({});
            qCInfo(lcStorage) << "storing works again";
            Q_EMIT recovered();
        }
        Q_EMIT stored(batch);
    }
    return true;
}

void SampleWriter::reportFailure(const QString& failure)
{
    QString message = failure;
    if (failure.contains(QLatin1String("full"), Qt::CaseInsensitive))
        message += QStringLiteral(" - free disk space or raise --db-max-size; storing resumes by itself");
    m_counters->setStoreError(message);
    if (m_failing)
        return;
    m_failing = true;
    qCCritical(lcStorage).noquote() << "cannot store samples:" << message
                                    << "- keeping up to" << m_options.maxRetained << "samples and retrying every"
                                    << m_options.retryIntervalMs << "ms";
    Q_EMIT failed(message);
}

void SampleWriter::giveUpExcess()
{
    const auto excess = m_pending.size() - m_options.maxRetained;
    if (excess <= 0)
        return;
    m_pending.remove(0, excess);
    m_counters->addUnstored(excess);
    m_counters->setPending(m_pending.size());
}

} // namespace Kodemon
