# Automatically generated from ui/settings.ui by scripts/build-ui.sh - do not edit.

################################################################################
## Form generated from reading UI file 'settings.ui'
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
from cartox_desktop.qt.qt import (QAbstractButton, QApplication, QComboBox, QDialog,
    QDialogButtonBox, QDoubleSpinBox, QFormLayout, QHBoxLayout,
    QLabel, QLineEdit, QPlainTextEdit, QPushButton,
    QSizePolicy, QSpacerItem, QSpinBox, QTabWidget,
    QVBoxLayout, QWidget)

class Ui_SettingsDialog(object):
    def setupUi(self, SettingsDialog):
        if not SettingsDialog.objectName():
            SettingsDialog.setObjectName(u"SettingsDialog")
        SettingsDialog.resize(760, 560)
        self.mainLayout = QVBoxLayout(SettingsDialog)
        self.mainLayout.setObjectName(u"mainLayout")
        self.tabs = QTabWidget(SettingsDialog)
        self.tabs.setObjectName(u"tabs")
        self.computerTab = QWidget()
        self.computerTab.setObjectName(u"computerTab")
        self.computerLayout = QVBoxLayout(self.computerTab)
        self.computerLayout.setObjectName(u"computerLayout")
        self.computerNoteLabel = QLabel(self.computerTab)
        self.computerNoteLabel.setObjectName(u"computerNoteLabel")
        self.computerNoteLabel.setWordWrap(True)

        self.computerLayout.addWidget(self.computerNoteLabel)

        self.computerForm = QFormLayout()
        self.computerForm.setObjectName(u"computerForm")
        self.dbUrlEditLabel = QLabel(self.computerTab)
        self.dbUrlEditLabel.setObjectName(u"dbUrlEditLabel")

        self.computerForm.setWidget(0, QFormLayout.ItemRole.LabelRole, self.dbUrlEditLabel)

        self.dbUrlRow = QHBoxLayout()
        self.dbUrlRow.setObjectName(u"dbUrlRow")
        self.dbUrlEdit = QLineEdit(self.computerTab)
        self.dbUrlEdit.setObjectName(u"dbUrlEdit")

        self.dbUrlRow.addWidget(self.dbUrlEdit)

        self.testButton = QPushButton(self.computerTab)
        self.testButton.setObjectName(u"testButton")
        self.testButton.setAutoDefault(False)

        self.dbUrlRow.addWidget(self.testButton)

        self.embeddedButton = QPushButton(self.computerTab)
        self.embeddedButton.setObjectName(u"embeddedButton")
        self.embeddedButton.setAutoDefault(False)

        self.dbUrlRow.addWidget(self.embeddedButton)


        self.computerForm.setLayout(0, QFormLayout.ItemRole.FieldRole, self.dbUrlRow)

        self.testResultLabel = QLabel(self.computerTab)
        self.testResultLabel.setObjectName(u"testResultLabel")
        self.testResultLabel.setWordWrap(True)

        self.computerForm.setWidget(1, QFormLayout.ItemRole.SpanningRole, self.testResultLabel)

        self.wardEditLabel = QLabel(self.computerTab)
        self.wardEditLabel.setObjectName(u"wardEditLabel")

        self.computerForm.setWidget(2, QFormLayout.ItemRole.LabelRole, self.wardEditLabel)

        self.wardEdit = QLineEdit(self.computerTab)
        self.wardEdit.setObjectName(u"wardEdit")

        self.computerForm.setWidget(2, QFormLayout.ItemRole.FieldRole, self.wardEdit)


        self.computerLayout.addLayout(self.computerForm)

        self.computerSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.computerLayout.addItem(self.computerSpacer)

        self.tabs.addTab(self.computerTab, "")
        self.wardTab = QWidget()
        self.wardTab.setObjectName(u"wardTab")
        self.wardLayout = QVBoxLayout(self.wardTab)
        self.wardLayout.setObjectName(u"wardLayout")
        self.wardNoteLabel = QLabel(self.wardTab)
        self.wardNoteLabel.setObjectName(u"wardNoteLabel")
        self.wardNoteLabel.setWordWrap(True)

        self.wardLayout.addWidget(self.wardNoteLabel)

        self.wardForm = QFormLayout()
        self.wardForm.setObjectName(u"wardForm")
        self.institutionEditLabel = QLabel(self.wardTab)
        self.institutionEditLabel.setObjectName(u"institutionEditLabel")

        self.wardForm.setWidget(0, QFormLayout.ItemRole.LabelRole, self.institutionEditLabel)

        self.institutionEdit = QLineEdit(self.wardTab)
        self.institutionEdit.setObjectName(u"institutionEdit")
        self.institutionEdit.setMaxLength(200)

        self.wardForm.setWidget(0, QFormLayout.ItemRole.FieldRole, self.institutionEdit)

        self.wardNameEditLabel = QLabel(self.wardTab)
        self.wardNameEditLabel.setObjectName(u"wardNameEditLabel")

        self.wardForm.setWidget(1, QFormLayout.ItemRole.LabelRole, self.wardNameEditLabel)

        self.wardNameEdit = QLineEdit(self.wardTab)
        self.wardNameEdit.setObjectName(u"wardNameEdit")
        self.wardNameEdit.setMaxLength(100)

        self.wardForm.setWidget(1, QFormLayout.ItemRole.FieldRole, self.wardNameEdit)

        self.wardPhoneEditLabel = QLabel(self.wardTab)
        self.wardPhoneEditLabel.setObjectName(u"wardPhoneEditLabel")

        self.wardForm.setWidget(2, QFormLayout.ItemRole.LabelRole, self.wardPhoneEditLabel)

        self.wardPhoneEdit = QLineEdit(self.wardTab)
        self.wardPhoneEdit.setObjectName(u"wardPhoneEdit")
        self.wardPhoneEdit.setMaxLength(40)

        self.wardForm.setWidget(2, QFormLayout.ItemRole.FieldRole, self.wardPhoneEdit)

        self.protocolEditLabel = QLabel(self.wardTab)
        self.protocolEditLabel.setObjectName(u"protocolEditLabel")

        self.wardForm.setWidget(3, QFormLayout.ItemRole.LabelRole, self.protocolEditLabel)

        self.protocolRow = QHBoxLayout()
        self.protocolRow.setObjectName(u"protocolRow")
        self.protocolEdit = QLineEdit(self.wardTab)
        self.protocolEdit.setObjectName(u"protocolEdit")

        self.protocolRow.addWidget(self.protocolEdit)

        self.browseButton = QPushButton(self.wardTab)
        self.browseButton.setObjectName(u"browseButton")
        self.browseButton.setAutoDefault(False)

        self.protocolRow.addWidget(self.browseButton)


        self.wardForm.setLayout(3, QFormLayout.ItemRole.FieldRole, self.protocolRow)

        self.protocolStatusLabelLabel = QLabel(self.wardTab)
        self.protocolStatusLabelLabel.setObjectName(u"protocolStatusLabelLabel")

        self.wardForm.setWidget(4, QFormLayout.ItemRole.LabelRole, self.protocolStatusLabelLabel)

        self.protocolStatusLabel = QLabel(self.wardTab)
        self.protocolStatusLabel.setObjectName(u"protocolStatusLabel")
        self.protocolStatusLabel.setWordWrap(True)

        self.wardForm.setWidget(4, QFormLayout.ItemRole.FieldRole, self.protocolStatusLabel)

        self.idleSpinLabel = QLabel(self.wardTab)
        self.idleSpinLabel.setObjectName(u"idleSpinLabel")

        self.wardForm.setWidget(5, QFormLayout.ItemRole.LabelRole, self.idleSpinLabel)

        self.idleSpin = QSpinBox(self.wardTab)
        self.idleSpin.setObjectName(u"idleSpin")
        self.idleSpin.setMinimum(1)
        self.idleSpin.setMaximum(240)
        self.idleSpin.setValue(10)

        self.wardForm.setWidget(5, QFormLayout.ItemRole.FieldRole, self.idleSpin)

        self.unitComboLabel = QLabel(self.wardTab)
        self.unitComboLabel.setObjectName(u"unitComboLabel")

        self.wardForm.setWidget(6, QFormLayout.ItemRole.LabelRole, self.unitComboLabel)

        self.unitCombo = QComboBox(self.wardTab)
        self.unitCombo.setObjectName(u"unitCombo")

        self.wardForm.setWidget(6, QFormLayout.ItemRole.FieldRole, self.unitCombo)

        self.iggSpinLabel = QLabel(self.wardTab)
        self.iggSpinLabel.setObjectName(u"iggSpinLabel")

        self.wardForm.setWidget(7, QFormLayout.ItemRole.LabelRole, self.iggSpinLabel)

        self.iggSpin = QDoubleSpinBox(self.wardTab)
        self.iggSpin.setObjectName(u"iggSpin")
        self.iggSpin.setDecimals(0)
        self.iggSpin.setMinimum(100.000000000000000)
        self.iggSpin.setMaximum(1500.000000000000000)
        self.iggSpin.setValue(400.000000000000000)
        self.iggSpin.setSingleStep(10.000000000000000)

        self.wardForm.setWidget(7, QFormLayout.ItemRole.FieldRole, self.iggSpin)


        self.wardLayout.addLayout(self.wardForm)

        self.wardSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.wardLayout.addItem(self.wardSpacer)

        self.tabs.addTab(self.wardTab, "")
        self.iceTab = QWidget()
        self.iceTab.setObjectName(u"iceTab")
        self.iceLayout = QVBoxLayout(self.iceTab)
        self.iceLayout.setObjectName(u"iceLayout")
        self.iceNoteLabel = QLabel(self.iceTab)
        self.iceNoteLabel.setObjectName(u"iceNoteLabel")
        self.iceNoteLabel.setWordWrap(True)

        self.iceLayout.addWidget(self.iceNoteLabel)

        self.iceForm = QFormLayout()
        self.iceForm.setObjectName(u"iceForm")
        self.hospitalEditLabel = QLabel(self.iceTab)
        self.hospitalEditLabel.setObjectName(u"hospitalEditLabel")

        self.iceForm.setWidget(0, QFormLayout.ItemRole.LabelRole, self.hospitalEditLabel)

        self.hospitalEdit = QLineEdit(self.iceTab)
        self.hospitalEdit.setObjectName(u"hospitalEdit")
        self.hospitalEdit.setMaxLength(200)

        self.iceForm.setWidget(0, QFormLayout.ItemRole.FieldRole, self.hospitalEdit)

        self.cityEditLabel = QLabel(self.iceTab)
        self.cityEditLabel.setObjectName(u"cityEditLabel")

        self.iceForm.setWidget(1, QFormLayout.ItemRole.LabelRole, self.cityEditLabel)

        self.cityEdit = QLineEdit(self.iceTab)
        self.cityEdit.setObjectName(u"cityEdit")
        self.cityEdit.setMaxLength(100)

        self.iceForm.setWidget(1, QFormLayout.ItemRole.FieldRole, self.cityEdit)

        self.sentenceEditLabel = QLabel(self.iceTab)
        self.sentenceEditLabel.setObjectName(u"sentenceEditLabel")

        self.iceForm.setWidget(2, QFormLayout.ItemRole.LabelRole, self.sentenceEditLabel)

        self.sentenceEdit = QLineEdit(self.iceTab)
        self.sentenceEdit.setObjectName(u"sentenceEdit")
        self.sentenceEdit.setMaxLength(200)

        self.iceForm.setWidget(2, QFormLayout.ItemRole.FieldRole, self.sentenceEdit)


        self.iceLayout.addLayout(self.iceForm)

        self.iceSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.iceLayout.addItem(self.iceSpacer)

        self.tabs.addTab(self.iceTab, "")
        self.labsTab = QWidget()
        self.labsTab.setObjectName(u"labsTab")
        self.labsLayout = QVBoxLayout(self.labsTab)
        self.labsLayout.setObjectName(u"labsLayout")
        self.labsNoteLabel = QLabel(self.labsTab)
        self.labsNoteLabel.setObjectName(u"labsNoteLabel")
        self.labsNoteLabel.setWordWrap(True)

        self.labsLayout.addWidget(self.labsNoteLabel)

        self.labMappingsEdit = QPlainTextEdit(self.labsTab)
        self.labMappingsEdit.setObjectName(u"labMappingsEdit")
        self.labMappingsEdit.setLineWrapMode(QPlainTextEdit.NoWrap)
        self.labMappingsEdit.setTabChangesFocus(True)

        self.labsLayout.addWidget(self.labMappingsEdit)

        self.labMappingsStatusLabel = QLabel(self.labsTab)
        self.labMappingsStatusLabel.setObjectName(u"labMappingsStatusLabel")
        self.labMappingsStatusLabel.setWordWrap(True)

        self.labsLayout.addWidget(self.labMappingsStatusLabel)

        self.tabs.addTab(self.labsTab, "")

        self.mainLayout.addWidget(self.tabs)

        self.errorLabel = QLabel(SettingsDialog)
        self.errorLabel.setObjectName(u"errorLabel")
        self.errorLabel.setWordWrap(True)
        self.errorLabel.setStyleSheet(u"color: #b00020; font-weight: bold;")

        self.mainLayout.addWidget(self.errorLabel)

        self.buttonBox = QDialogButtonBox(SettingsDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.Cancel|QDialogButtonBox.Save)

        self.mainLayout.addWidget(self.buttonBox)

#if QT_CONFIG(shortcut)
        self.dbUrlEditLabel.setBuddy(self.dbUrlEdit)
        self.wardEditLabel.setBuddy(self.wardEdit)
        self.institutionEditLabel.setBuddy(self.institutionEdit)
        self.wardNameEditLabel.setBuddy(self.wardNameEdit)
        self.wardPhoneEditLabel.setBuddy(self.wardPhoneEdit)
        self.protocolEditLabel.setBuddy(self.protocolEdit)
        self.idleSpinLabel.setBuddy(self.idleSpin)
        self.unitComboLabel.setBuddy(self.unitCombo)
        self.iggSpinLabel.setBuddy(self.iggSpin)
        self.hospitalEditLabel.setBuddy(self.hospitalEdit)
        self.cityEditLabel.setBuddy(self.cityEdit)
        self.sentenceEditLabel.setBuddy(self.sentenceEdit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.tabs, self.dbUrlEdit)
        QWidget.setTabOrder(self.dbUrlEdit, self.testButton)
        QWidget.setTabOrder(self.testButton, self.embeddedButton)
        QWidget.setTabOrder(self.embeddedButton, self.wardEdit)
        QWidget.setTabOrder(self.wardEdit, self.institutionEdit)
        QWidget.setTabOrder(self.institutionEdit, self.wardNameEdit)
        QWidget.setTabOrder(self.wardNameEdit, self.wardPhoneEdit)
        QWidget.setTabOrder(self.wardPhoneEdit, self.protocolEdit)
        QWidget.setTabOrder(self.protocolEdit, self.browseButton)
        QWidget.setTabOrder(self.browseButton, self.idleSpin)
        QWidget.setTabOrder(self.idleSpin, self.unitCombo)
        QWidget.setTabOrder(self.unitCombo, self.iggSpin)
        QWidget.setTabOrder(self.iggSpin, self.hospitalEdit)
        QWidget.setTabOrder(self.hospitalEdit, self.cityEdit)
        QWidget.setTabOrder(self.cityEdit, self.sentenceEdit)
        QWidget.setTabOrder(self.sentenceEdit, self.labMappingsEdit)
        QWidget.setTabOrder(self.labMappingsEdit, self.buttonBox)

        self.retranslateUi(SettingsDialog)

        self.tabs.setCurrentIndex(0)

    # setupUi

    def retranslateUi(self, SettingsDialog):
        SettingsDialog.setWindowTitle(QCoreApplication.translate("SettingsDialog", u"Settings \u2014 CARTOX Desktop", None))
        self.dbUrlEditLabel.setText(QCoreApplication.translate("SettingsDialog", u"Database &URL", None))
#if QT_CONFIG(accessibility)
        self.dbUrlEdit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Database URL", None))
#endif // QT_CONFIG(accessibility)
        self.dbUrlEdit.setPlaceholderText(QCoreApplication.translate("SettingsDialog", u"empty = the embedded SQLite file; or postgresql+psycopg://user@host/db", None))
        self.testButton.setText(QCoreApplication.translate("SettingsDialog", u"&Test connection", None))
        self.embeddedButton.setText(QCoreApplication.translate("SettingsDialog", u"Use &embedded file", None))
        self.wardEditLabel.setText(QCoreApplication.translate("SettingsDialog", u"&Board shows ward", None))
#if QT_CONFIG(accessibility)
        self.wardEdit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Ward shown on this computer's board", None))
#endif // QT_CONFIG(accessibility)
        self.wardEdit.setPlaceholderText(QCoreApplication.translate("SettingsDialog", u"empty = every ward (as written on the patients, e.g. 7B)", None))
        self.tabs.setTabText(self.tabs.indexOf(self.computerTab), QCoreApplication.translate("SettingsDialog", u"This &computer", None))
        self.institutionEditLabel.setText(QCoreApplication.translate("SettingsDialog", u"&Institution", None))
#if QT_CONFIG(accessibility)
        self.institutionEdit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Institution name", None))
#endif // QT_CONFIG(accessibility)
        self.institutionEdit.setPlaceholderText(QCoreApplication.translate("SettingsDialog", u"printed in the header of every document", None))
        self.wardNameEditLabel.setText(QCoreApplication.translate("SettingsDialog", u"&Ward name", None))
#if QT_CONFIG(accessibility)
        self.wardNameEdit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Ward name", None))
#endif // QT_CONFIG(accessibility)
        self.wardNameEdit.setPlaceholderText(QCoreApplication.translate("SettingsDialog", u"e.g. Haematology 7B", None))
        self.wardPhoneEditLabel.setText(QCoreApplication.translate("SettingsDialog", u"Ward &phone", None))
#if QT_CONFIG(accessibility)
        self.wardPhoneEdit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Ward phone number", None))
#endif // QT_CONFIG(accessibility)
        self.wardPhoneEdit.setPlaceholderText(QCoreApplication.translate("SettingsDialog", u"printed on the discharge sheet, e.g. +49 6221 56-1234", None))
        self.protocolEditLabel.setText(QCoreApplication.translate("SettingsDialog", u"P&rotocol file", None))
#if QT_CONFIG(accessibility)
        self.protocolEdit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Protocol file", None))
#endif // QT_CONFIG(accessibility)
        self.protocolEdit.setPlaceholderText(QCoreApplication.translate("SettingsDialog", u"empty = the bundled resources/protocol.toml", None))
        self.browseButton.setText(QCoreApplication.translate("SettingsDialog", u"&Browse\u2026", None))
        self.protocolStatusLabelLabel.setText("")
        self.idleSpinLabel.setText(QCoreApplication.translate("SettingsDialog", u"Idle &lock after", None))
        self.idleSpin.setSuffix(QCoreApplication.translate("SettingsDialog", u" min", None))
#if QT_CONFIG(accessibility)
        self.idleSpin.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Idle lock minutes", None))
#endif // QT_CONFIG(accessibility)
        self.unitComboLabel.setText(QCoreApplication.translate("SettingsDialog", u"&Temperature entry", None))
#if QT_CONFIG(accessibility)
        self.unitCombo.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Temperature unit for entry", None))
#endif // QT_CONFIG(accessibility)
        self.iggSpinLabel.setText(QCoreApplication.translate("SettingsDialog", u"&IgG threshold", None))
        self.iggSpin.setSuffix(QCoreApplication.translate("SettingsDialog", u" mg/dL", None))
#if QT_CONFIG(accessibility)
        self.iggSpin.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"IgG threshold for hypogammaglobulinaemia in mg/dL", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(tooltip)
        self.iggSpin.setToolTip(QCoreApplication.translate("SettingsDialog", u"Hypogammaglobulinaemia below this IgG level (100\u20131500 mg/dL; usual 400)", None))
#endif // QT_CONFIG(tooltip)
        self.tabs.setTabText(self.tabs.indexOf(self.wardTab), QCoreApplication.translate("SettingsDialog", u"&Ward", None))
        self.hospitalEditLabel.setText(QCoreApplication.translate("SettingsDialog", u"&Hospital", None))
#if QT_CONFIG(accessibility)
        self.hospitalEdit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Hospital name (ICE answer)", None))
#endif // QT_CONFIG(accessibility)
        self.cityEditLabel.setText(QCoreApplication.translate("SettingsDialog", u"&City", None))
#if QT_CONFIG(accessibility)
        self.cityEdit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"City (ICE answer)", None))
#endif // QT_CONFIG(accessibility)
        self.sentenceEditLabel.setText(QCoreApplication.translate("SettingsDialog", u"&Sentence", None))
#if QT_CONFIG(accessibility)
        self.sentenceEdit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Standard sentence for writing", None))
#endif // QT_CONFIG(accessibility)
        self.tabs.setTabText(self.tabs.indexOf(self.iceTab), QCoreApplication.translate("SettingsDialog", u"IC&E answers", None))
#if QT_CONFIG(accessibility)
        self.labMappingsEdit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Lab mappings (TOML)", None))
#endif // QT_CONFIG(accessibility)
        self.labMappingsEdit.setPlaceholderText(QCoreApplication.translate("SettingsDialog", u"[my-hospital]\n"
"layout = \"long\"\n"
"mrn_column = \"MRN\"\n"
"...", None))
        self.tabs.setTabText(self.tabs.indexOf(self.labsTab), QCoreApplication.translate("SettingsDialog", u"&Lab mappings", None))
    # retranslateUi

