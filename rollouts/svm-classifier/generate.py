"""Makes predictions.csv: an SVM classifier on scikit-learn's bundled iris data set, as in the
document this product grew from (an SVM evaluated offline on accuracy, recall and F1).

Run with Debian's Python, which has scikit-learn:  /usr/bin/python3 generate.py
It also prints the values scikit-learn computes, which `rollout evaluate` must equal.
"""
import csv
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.svm import SVC
from sklearn.metrics import accuracy_score, recall_score, f1_score

X, y = load_iris(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.4, random_state=7)
names = load_iris().target_names
pred = SVC(kernel="rbf", C=0.3, gamma=0.05, random_state=0).fit(X_train, y_train).predict(X_test)
with open("predictions.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["y_true", "y_pred"])
    for t, p in zip(y_test, pred):
        w.writerow([names[t], names[p]])
print("accuracy", repr(accuracy_score(y_test, pred)))
print("recall_weighted", repr(recall_score(y_test, pred, average="weighted")))
print("f1_weighted", repr(f1_score(y_test, pred, average="weighted")))
