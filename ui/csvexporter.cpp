// SPDX-License-Identifier: MIT
#include "csvexporter.h"

#include "base/csv.h"
#include "chartdata.h"
#include "querythread.h"
#include "store/query.h"

#include <functional>
#include <QCoreApplication>
#include <QPointer>
#include <QSaveFile>

namespace Kodemon {

namespace {

constexpr int PageSize = 20000;

struct Outcome
{
    qint64 rows = 0;
    QString error;
};

// Writes one key's rows; `progress(fraction of this key)` returns false to cancel.
Status writeKey(Query& query, const SeriesSelector& selector, QSaveFile& file, qint64& rows,
    const std::function<bool(double)>& progress)
{
    const TimeRange& range = selector.range;
    QString cursor;
    do {
        const auto page = query.executions(selector, cursor, PageSize);
        if (!page)
            return page.errorKind() == ErrorKind::NotFound ? Status(Ok {}) : Status(page.failure());
        if (file.write(Csv::rows(selector.key, page->samples)) < 0)
            return Error { file.errorString() };
        rows += page->samples.size();
        const double last = page->samples.isEmpty() ? *range.to : page->samples.last().timestamp;
        if (!progress((last - *range.from) / std::max(1e-9, *range.to - *range.from)))
            return Error { QCoreApplication::translate("Kodemon::CsvExporter", "cancelled") };
        cursor = page->next.value_or(QString());
    } while (!cursor.isEmpty());
    return Ok {};
}

Outcome writeCsv(Query& query, const CsvExporter::Request& request, const std::function<bool(double)>& progress)
{
    QSaveFile file(request.path);
    if (!file.open(QIODevice::WriteOnly))
        return { 0, file.errorString() };
    file.write(Csv::header());
    const TimeRange range = coveredRange(query, request.keys, request.range);
    Outcome outcome;
    for (qsizetype i = 0; i < request.keys.size(); ++i) {
        const auto keyProgress = [&](double fraction) {
            return progress((double(i) + std::clamp(fraction, 0.0, 1.0)) / double(request.keys.size()));
        };
        const KeyId& id = request.keys[i];
        const SeriesSelector selector { id.key, id.token, range, request.tags, request.outcome };
        if (auto status = writeKey(query, selector, file, outcome.rows, keyProgress); !status) {
            file.cancelWriting();
            return { outcome.rows, status.error() };
        }
    }
    if (!file.commit())
        return { outcome.rows, file.errorString() };
    return outcome;
}

} // namespace

CsvExporter::CsvExporter(QObject* parent)
    : QObject(parent)
{ }

CsvExporter::~CsvExporter()
{
    cancel();
}

void CsvExporter::setStore(std::shared_ptr<Store> store)
{
    cancel();
    m_thread.reset(); // waits for a running export to see the cancellation
    m_running = false;
    if (store)
        m_thread = std::make_unique<QueryThread>(std::move(store), QStringLiteral("kodemon-export"));
}

bool CsvExporter::start(const Request& request)
{
    if (m_running || !m_thread || request.keys.isEmpty())
        return false;
    m_running = true;
    m_cancelled = std::make_shared<std::atomic_bool>(false);
    QPointer<CsvExporter> self(this);
    auto cancelled = m_cancelled;
    m_thread->post([self, cancelled, request](Query& query) {
        int reported = -1;
        const auto progress = [&](double fraction) {
            const int permille = int(fraction * 1000);
            if (permille != reported) {
                reported = permille;
                QMetaObject::invokeMethod(
                    QCoreApplication::instance(),
                    [self, permille] {
                        if (self)
                            Q_EMIT self->progress(permille);
                    },
                    Qt::QueuedConnection);
            }
            return !cancelled->load();
        };
        const Outcome outcome = writeCsv(query, request, progress);
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, outcome] {
                if (self)
                    self->done(outcome.rows, outcome.error);
            },
            Qt::QueuedConnection);
    });
    return true;
}

void CsvExporter::cancel()
{
    if (m_cancelled)
        m_cancelled->store(true);
}

void CsvExporter::done(qint64 rows, const QString& error)
{
    m_running = false;
    Q_EMIT finished(rows, error);
}

} // namespace Kodemon
