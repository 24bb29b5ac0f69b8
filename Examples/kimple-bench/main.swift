print("kimple-bench")
