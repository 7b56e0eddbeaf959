// SPDX-License-Identifier: MIT
#include "deletionflow.h"

#include "displayformat.h"
#include "store/query.h"

#include <QCoreApplication>
#include <QMessageBox>
#include <QPushButton>
#include <QStatusBar>

namespace Kodemon {

namespace {

QString functionName(const KeyId& key)
{
    return key.token.isEmpty() ? key.key : QObject::tr("%1 (token %2)").arg(key.key, key.token);
}

} // namespace

DeletionFlow::DeletionFlow(QWidget* window, QStatusBar* status)
    : QObject(window)
    , m_window(window)
    , m_status(status)
{ }

DeletionFlow::~DeletionFlow() = default;

void DeletionFlow::setServices(std::shared_ptr<Store> store, Deleter deleter)
{
    m_store = std::move(store);
    m_deleter = std::move(deleter);
}

// Counting on the window's thread: series totals and chunk summaries answer it in milliseconds whatever the range
// (the statistics of 10M calls from summaries: under 20 ms, docs/BENCHMARKS.md).
Result<DeletionFlow::Plan> DeletionFlow::plan(const KeyId& key, const TimeRange& range) const
{
    if (!m_store)
        return Error { tr("no database is open") };
    Query query(m_store->createReader());
    Plan plan { key, range, 0, 0 };
    auto all = query.stats(SeriesSelector { key.key, key.token, {} });
    if (!all && all.errorKind() != ErrorKind::NotFound)
        return all.failure();
    plan.all = all ? all->count : 0;
    if (range.from || range.to) {
        auto inRange = query.stats(SeriesSelector { key.key, key.token, range });
        if (!inRange && inRange.errorKind() != ErrorKind::NotFound)
            return inRange.failure();
        plan.inRange = inRange ? inRange->count : 0;
    } else {
        plan.inRange = plan.all;
    }
    return plan;
}

void DeletionFlow::ask(const std::optional<KeyId>& key, const TimeRange& range)
{
    if (!isAvailable()) {
        QMessageBox::information(m_window, tr("Delete Calls"),
            tr("Calls can be deleted only in the window of the Kodemon that stores them in SQLite (not a remote "
               "Kodemon, not ClickHouse: see the README)."));
        return;
    }
    if (!key) {
        QMessageBox::information(m_window, tr("Delete Calls"), tr("Select a function first."));
        return;
    }
    const auto planned = plan(*key, range);
    if (!planned) {
        QMessageBox::warning(m_window, tr("Delete Calls"), tr("Cannot count the calls: %1").arg(planned.error()));
        return;
    }
    const bool bounded = range.from || range.to;
    QMessageBox box(QMessageBox::Warning, tr("Delete Calls"),
        tr("Delete calls of %1?").arg(functionName(*key)), QMessageBox::Cancel,
        m_window);
    box.setObjectName(QStringLiteral("deleteConfirmation"));
    QString details = tr("All calls: %1.").arg(DisplayFormat::count(planned->all));
    if (bounded && planned->inRange != planned->all)
        details = tr("In the shown range (%1 to %2): %3 calls. %4")
                      .arg(range.from ? DisplayFormat::dateTime(*range.from) : tr("the first call"),
                          range.to ? DisplayFormat::dateTime(*range.to) : tr("now"),
                          DisplayFormat::count(planned->inRange), details);
    box.setInformativeText(details + QLatin1Char(' ') + tr("Deleted calls cannot be brought back."));
    QPushButton* inRange = nullptr;
    if (bounded && planned->inRange != planned->all && planned->inRange > 0)
        inRange = box.addButton(tr("Delete %1 in Range").arg(DisplayFormat::count(planned->inRange)),
            QMessageBox::DestructiveRole);
    QPushButton* all = box.addButton(tr("Delete All %1").arg(DisplayFormat::count(planned->all)),
        QMessageBox::DestructiveRole);
    all->setEnabled(planned->all > 0);
    box.setDefaultButton(qobject_cast<QPushButton*>(box.button(QMessageBox::Cancel)));
    m_box = &box;
    box.exec();
    m_box = nullptr;
    DeleteRequest request { key->key, key->token, {} };
    if (inRange && box.clickedButton() == inRange)
        request.range = range;
    else if (box.clickedButton() != all)
        return;
    start(request);
}

bool DeletionFlow::start(const DeleteRequest& request)
{
    if (!isAvailable() || m_running)
        return false;
    m_running = true;
    if (m_status)
        m_status->showMessage(tr("Deleting calls of %1…").arg(request.key.value_or(QString())));
    QPointer<DeletionFlow> self(this);
    m_deleter(request, [self](Result<qint64> deleted) {
        const qint64 calls = deleted ? *deleted : 0;
        const QString error = deleted ? QString() : deleted.error();
        // Back to the window's thread (the application lives there); dropped when the window went away meanwhile.
        QMetaObject::invokeMethod(
            qApp,
            [self, calls, error] {
                if (self)
                    self->onFinished(calls, error);
            },
            Qt::QueuedConnection);
    });
    return true;
}

void DeletionFlow::onFinished(qint64 calls, const QString& error)
{
    m_running = false;
    if (m_status)
        m_status->showMessage(error.isEmpty() ? tr("Deleted %1 calls").arg(DisplayFormat::count(calls))
                                              : tr("Deletion failed: %1").arg(error),
            10000);
    Q_EMIT finished(calls, error);
}

} // namespace Kodemon
