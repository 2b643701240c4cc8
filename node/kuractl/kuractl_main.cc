// kuractl: placeholder until the command tree lands.
int main() { return 0; }
