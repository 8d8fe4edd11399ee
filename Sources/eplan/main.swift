import EPlanDomain
print("eplan")
