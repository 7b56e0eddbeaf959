// SPDX-License-Identifier: MIT
#include "changespanel.h"

#include "changesmodel.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>

namespace Kodemon {

ChangesPanel::ChangesPanel(ChangesModel* model, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
    , m_note(new QLabel)
    , m_table(new QTableView)
{
    m_note->setWordWrap(true);
    m_note->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_table->setObjectName(QStringLiteral("changesTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_note);
    layout->addWidget(m_table, 1);
    connect(m_table, &QAbstractItemView::activated, this, [this](const QModelIndex& index) {
        if (index.isValid())
            Q_EMIT openRequested(index.row());
    });
}

ChangesPanel::~ChangesPanel() = default;

void ChangesPanel::setNote(const QString& text, const QString& toolTip)
{
    m_note->setText(text);
    m_note->setToolTip(toolTip);
}

QString ChangesPanel::note() const
{
    return m_note->text();
}

} // namespace Kodemon
