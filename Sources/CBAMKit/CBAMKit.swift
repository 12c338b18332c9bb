import OneDNN
