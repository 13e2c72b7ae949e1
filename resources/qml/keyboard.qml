// The on-screen keyboard, docked at the bottom of the kiosk window (see kiosk/ui/keyboard.py).
import QtQuick
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Settings

Item {
    id: root
    // Set from Python: the tallest the keyboard may be on this screen. The widget hosting
    // this takes the panel's height, so the panel hangs from the top.
    property real maxKeyboardHeight: 300
    // The visitor's language's layout, set from Python (kiosk/ui/keyboard.py set_locale):
    // US English until a visitor picks another language (the globe key offers the others).
    property string keyboardLocale: "en_US"
    onKeyboardLocaleChanged: VirtualKeyboardSettings.locale = keyboardLocale
    Component.onCompleted: {
        VirtualKeyboardSettings.locale = keyboardLocale
        // Pinyin turns letters into Chinese characters only through the list of candidates
        // above the keys: keep that list there (other layouts leave it empty).
        VirtualKeyboardSettings.wordCandidateList.alwaysVisible = true
    }

    InputPanel {
        id: panel
        objectName: "inputPanel"
        // The default style's keyboard is about 3.2 times as wide as it is tall.
        width: Math.min(root.width, root.maxKeyboardHeight * 3.2)
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.top: parent.top
    }
}
