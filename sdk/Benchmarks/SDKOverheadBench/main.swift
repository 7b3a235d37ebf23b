import Hummingbird
print("bench placeholder")
