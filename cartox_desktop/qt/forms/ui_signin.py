# Automatically generated from ui/signin.ui by scripts/build-ui.sh - do not edit.

################################################################################
## Form generated from reading UI file 'signin.ui'
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
    QFormLayout, QGroupBox, QHBoxLayout, QLabel,
    QLineEdit, QPushButton, QSizePolicy, QSpacerItem,
    QVBoxLayout, QWidget)

class Ui_SignInDialog(object):
    def setupUi(self, SignInDialog):
        if not SignInDialog.objectName():
            SignInDialog.setObjectName(u"SignInDialog")
        SignInDialog.resize(460, 360)
        self.mainLayout = QVBoxLayout(SignInDialog)
        self.mainLayout.setObjectName(u"mainLayout")
        self.titleLabel = QLabel(SignInDialog)
        self.titleLabel.setObjectName(u"titleLabel")

        self.mainLayout.addWidget(self.titleLabel)

        self.wardLabel = QLabel(SignInDialog)
        self.wardLabel.setObjectName(u"wardLabel")
        self.wardLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.wardLabel)

        self.formLayout = QFormLayout()
        self.formLayout.setObjectName(u"formLayout")
        self.usernameLabel = QLabel(SignInDialog)
        self.usernameLabel.setObjectName(u"usernameLabel")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.usernameLabel)

        self.usernameEdit = QLineEdit(SignInDialog)
        self.usernameEdit.setObjectName(u"usernameEdit")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.usernameEdit)

        self.passwordLabel = QLabel(SignInDialog)
        self.passwordLabel.setObjectName(u"passwordLabel")

        self.formLayout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.passwordLabel)

        self.passwordEdit = QLineEdit(SignInDialog)
        self.passwordEdit.setObjectName(u"passwordEdit")
        self.passwordEdit.setEchoMode(QLineEdit.Password)

        self.formLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.passwordEdit)


        self.mainLayout.addLayout(self.formLayout)

        self.firstRunBox = QGroupBox(SignInDialog)
        self.firstRunBox.setObjectName(u"firstRunBox")
        self.firstRunLayout = QFormLayout(self.firstRunBox)
        self.firstRunLayout.setObjectName(u"firstRunLayout")
        self.displayNameLabel = QLabel(self.firstRunBox)
        self.displayNameLabel.setObjectName(u"displayNameLabel")

        self.firstRunLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.displayNameLabel)

        self.displayNameEdit = QLineEdit(self.firstRunBox)
        self.displayNameEdit.setObjectName(u"displayNameEdit")

        self.firstRunLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.displayNameEdit)

        self.repeatLabel = QLabel(self.firstRunBox)
        self.repeatLabel.setObjectName(u"repeatLabel")

        self.firstRunLayout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.repeatLabel)

        self.repeatEdit = QLineEdit(self.firstRunBox)
        self.repeatEdit.setObjectName(u"repeatEdit")
        self.repeatEdit.setEchoMode(QLineEdit.Password)

        self.firstRunLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.repeatEdit)


        self.mainLayout.addWidget(self.firstRunBox)

        self.errorLabel = QLabel(SignInDialog)
        self.errorLabel.setObjectName(u"errorLabel")
        self.errorLabel.setStyleSheet(u"color: #b00020; font-weight: bold;")
        self.errorLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.errorLabel)

        self.noticeLabel = QLabel(SignInDialog)
        self.noticeLabel.setObjectName(u"noticeLabel")
        self.noticeLabel.setStyleSheet(u"background: #fff3cd; color: #5c4400; padding: 4px;")
        self.noticeLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.noticeLabel)

        self.verticalSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.mainLayout.addItem(self.verticalSpacer)

        self.buttonRow = QHBoxLayout()
        self.buttonRow.setObjectName(u"buttonRow")
        self.settingsButton = QPushButton(SignInDialog)
        self.settingsButton.setObjectName(u"settingsButton")
        self.settingsButton.setAutoDefault(False)

        self.buttonRow.addWidget(self.settingsButton)

        self.buttonBox = QDialogButtonBox(SignInDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.Cancel|QDialogButtonBox.Ok)

        self.buttonRow.addWidget(self.buttonBox)


        self.mainLayout.addLayout(self.buttonRow)

#if QT_CONFIG(shortcut)
        self.usernameLabel.setBuddy(self.usernameEdit)
        self.passwordLabel.setBuddy(self.passwordEdit)
        self.displayNameLabel.setBuddy(self.displayNameEdit)
        self.repeatLabel.setBuddy(self.repeatEdit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.usernameEdit, self.passwordEdit)
        QWidget.setTabOrder(self.passwordEdit, self.displayNameEdit)
        QWidget.setTabOrder(self.displayNameEdit, self.repeatEdit)
        QWidget.setTabOrder(self.repeatEdit, self.buttonBox)
        QWidget.setTabOrder(self.buttonBox, self.settingsButton)

        self.retranslateUi(SignInDialog)
    # setupUi

    def retranslateUi(self, SignInDialog):
        SignInDialog.setWindowTitle(QCoreApplication.translate("SignInDialog", u"Sign in \u2014 CARTOX Desktop", None))
        self.titleLabel.setText(QCoreApplication.translate("SignInDialog", u"<b style=\"font-size:14pt\">CARTOX Desktop</b>", None))
        self.wardLabel.setText(QCoreApplication.translate("SignInDialog", u"Ward", None))
        self.usernameLabel.setText(QCoreApplication.translate("SignInDialog", u"&User name", None))
#if QT_CONFIG(accessibility)
        self.usernameEdit.setAccessibleName(QCoreApplication.translate("SignInDialog", u"User name", None))
#endif // QT_CONFIG(accessibility)
        self.passwordLabel.setText(QCoreApplication.translate("SignInDialog", u"&Password", None))
#if QT_CONFIG(accessibility)
        self.passwordEdit.setAccessibleName(QCoreApplication.translate("SignInDialog", u"Password", None))
#endif // QT_CONFIG(accessibility)
        self.firstRunBox.setTitle(QCoreApplication.translate("SignInDialog", u"First start: create the administrator of this database", None))
        self.displayNameLabel.setText(QCoreApplication.translate("SignInDialog", u"Full &name", None))
        self.repeatLabel.setText(QCoreApplication.translate("SignInDialog", u"&Repeat password", None))
        self.settingsButton.setText(QCoreApplication.translate("SignInDialog", u"&Database settings\u2026", None))
    # retranslateUi

