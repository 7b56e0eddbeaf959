// SPDX-License-Identifier: MIT
#include "baselinedialog.h"

#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>

namespace Kodemon {

namespace {

QDateTimeEdit* makeEdit(double seconds)
{
    auto* edit = new QDateTimeEdit(QDateTime::fromMSecsSinceEpoch(qint64(seconds * 1000)));
    edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    edit->setCalendarPopup(true);
    return edit;
}

double secondsOf(const QDateTimeEdit* edit)
{
    return double(edit->dateTime().toMSecsSinceEpoch()) / 1000.0;
}

} // namespace

BaselineDialog::BaselineDialog(const TimeRange& proposed, QWidget* parent)
    : QDialog(parent)
    , m_from(makeEdit(proposed.from.value_or(0)))
    , m_to(makeEdit(proposed.to.value_or(0)))
    , m_problem(new QLabel)
{
    setWindowTitle(tr("Compare With a Custom Range"));
    setObjectName(QStringLiteral("baselineDialog"));
    m_from->setObjectName(QStringLiteral("baselineFrom"));
    m_to->setObjectName(QStringLiteral("baselineTo"));
    auto* explanation = new QLabel(tr("The chart draws this range dashed over the shown one, from its start; the "
                                      "statistics and the functions table compare with it."));
    explanation->setWordWrap(true);
    QPalette warning = m_problem->palette();
    warning.setColor(QPalette::WindowText, QColor(0xc6, 0x28, 0x28));
    m_problem->setPalette(warning);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_from, &QDateTimeEdit::dateTimeChanged, this, &BaselineDialog::check);
    connect(m_to, &QDateTimeEdit::dateTimeChanged, this, &BaselineDialog::check);
    auto* form = new QFormLayout(this);
    form->addRow(explanation);
    form->addRow(tr("From"), m_from);
    form->addRow(tr("To"), m_to);
    form->addRow(m_problem);
    form->addRow(buttons);
    check();
}

BaselineDialog::~BaselineDialog() = default;

TimeRange BaselineDialog::range() const
{
    return TimeRange { secondsOf(m_from), secondsOf(m_to) };
}

void BaselineDialog::check()
{
    const bool ok = secondsOf(m_from) < secondsOf(m_to);
    m_problem->setText(ok ? QString() : tr("The baseline must start before it ends."));
    m_problem->setVisible(!ok);
    m_ok->setEnabled(ok);
}

} // namespace Kodemon
