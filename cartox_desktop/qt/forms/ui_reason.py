# Automatically generated from ui/reason.ui by scripts/build-ui.sh - do not edit.

################################################################################
## Form generated from reading UI file 'reason.ui'
##
##
################################################################################

from cartox_desktop.qt.qt import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from cartox_desktop.qt.qt import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from cartox_desktop.qt.qt import (QAbstractButton, QApplication, QDialog, QDialogButtonBox,
    QFormLayout, QGroupBox, QLabel, QLineEdit,
    QPlainTextEdit, QSizePolicy, QTextBrowser, QVBoxLayout,
    QWidget)

class Ui_ReasonDialog(object):
    def setupUi(self, ReasonDialog):
        if not ReasonDialog.objectName():
            ReasonDialog.setObjectName(u"ReasonDialog")
        ReasonDialog.resize(560, 420)
        self.mainLayout = QVBoxLayout(ReasonDialog)
        self.mainLayout.setObjectName(u"mainLayout")
        self.whatLabel = QLabel(ReasonDialog)
        self.whatLabel.setObjectName(u"whatLabel")
        self.whatLabel.setWordWrap(True)
        self.whatLabel.setTextFormat(Qt.RichText)

        self.mainLayout.addWidget(self.whatLabel)

        self.detailsView = QTextBrowser(ReasonDialog)
        self.detailsView.setObjectName(u"detailsView")
        self.detailsView.setMaximumHeight(140)

        self.mainLayout.addWidget(self.detailsView)

        self.reasonLabel = QLabel(ReasonDialog)
        self.reasonLabel.setObjectName(u"reasonLabel")

        self.mainLayout.addWidget(self.reasonLabel)

        self.reasonEdit = QPlainTextEdit(ReasonDialog)
        self.reasonEdit.setObjectName(u"reasonEdit")
        self.reasonEdit.setTabChangesFocus(True)
        self.reasonEdit.setMaximumHeight(90)

        self.mainLayout.addWidget(self.reasonEdit)

        self.signatureBox = QGroupBox(ReasonDialog)
        self.signatureBox.setObjectName(u"signatureBox")
        self.signatureLayout = QFormLayout(self.signatureBox)
        self.signatureLayout.setObjectName(u"signatureLayout")
        self.meaningLabel = QLabel(self.signatureBox)
        self.meaningLabel.setObjectName(u"meaningLabel")
        self.meaningLabel.setWordWrap(True)

        self.signatureLayout.setWidget(0, QFormLayout.ItemRole.SpanningRole, self.meaningLabel)

        self.passwordLabel = QLabel(self.signatureBox)
        self.passwordLabel.setObjectName(u"passwordLabel")

        self.signatureLayout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.passwordLabel)

        self.passwordEdit = QLineEdit(self.signatureBox)
        self.passwordEdit.setObjectName(u"passwordEdit")
        self.passwordEdit.setEchoMode(QLineEdit.Password)

        self.signatureLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.passwordEdit)


        self.mainLayout.addWidget(self.signatureBox)

        self.errorLabel = QLabel(ReasonDialog)
        self.errorLabel.setObjectName(u"errorLabel")
        self.errorLabel.setStyleSheet(u"color: #b00020; font-weight: bold;")
        self.errorLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.errorLabel)

        self.buttonBox = QDialogButtonBox(ReasonDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.Cancel|QDialogButtonBox.Ok)

        self.mainLayout.addWidget(self.buttonBox)

#if QT_CONFIG(shortcut)
        self.reasonLabel.setBuddy(self.reasonEdit)
        self.passwordLabel.setBuddy(self.passwordEdit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.reasonEdit, self.passwordEdit)
        QWidget.setTabOrder(self.passwordEdit, self.buttonBox)
        QWidget.setTabOrder(self.buttonBox, self.detailsView)

        self.retranslateUi(ReasonDialog)
    # setupUi

    def retranslateUi(self, ReasonDialog):
        ReasonDialog.setWindowTitle(QCoreApplication.translate("ReasonDialog", u"Reason and electronic signature", None))
        self.reasonLabel.setText(QCoreApplication.translate("ReasonDialog", u"&Reason (required; stored in the audit trail)", None))
#if QT_CONFIG(accessibility)
        self.reasonEdit.setAccessibleName(QCoreApplication.translate("ReasonDialog", u"Reason", None))
#endif // QT_CONFIG(accessibility)
        self.signatureBox.setTitle(QCoreApplication.translate("ReasonDialog", u"Electronic signature", None))
        self.passwordLabel.setText(QCoreApplication.translate("ReasonDialog", u"&Password", None))
#if QT_CONFIG(accessibility)
        self.passwordEdit.setAccessibleName(QCoreApplication.translate("ReasonDialog", u"Password for the signature", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

